using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using ExchangeSmtpFleet.Core.Storage;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Reporting;

/// <summary>
/// A stored run as the report reads it, with what the store cannot hold yet or what a hostile fleet would answer laid over
/// it: the inventory's comment per host, other advertised keywords, evidence that cannot be read.
/// </summary>
internal sealed class ReportStore(IAuditHistory inner) : IAuditHistory
{
    public Func<StoredResult, StoredResult> Results { get; init; } = r => r;

    public Func<string, ImmutableArray<string>, ImmutableArray<string>> Keywords { get; init; } = (_, k) => k;

    /// <summary>The evidence of a run in place of the stored one (a disk that fails while the workbook is written), or null.</summary>
    public Func<string, IAsyncEnumerable<StoredEvidence>>? Evidence { get; init; }

    public string Description => inner.Description;

    public async IAsyncEnumerable<StoredResult> ReadResultsAsync(string runId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var result in inner.ReadResultsAsync(runId, cancellationToken))
        {
            yield return Results(result);
        }
    }

    public async IAsyncEnumerable<(string HostKey, ImmutableArray<string> Keywords)> ReadKeywordsAsync(string runId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var (host, keywords) in inner.ReadKeywordsAsync(runId, cancellationToken))
        {
            yield return (host, Keywords(host, keywords));
        }
    }

    public Task<IReadOnlyList<StoredRun>> ListRunsAsync(int limit, CancellationToken cancellationToken) => inner.ListRunsAsync(limit, cancellationToken);

    public Task<StoredRun?> FindRunAsync(string runId, CancellationToken cancellationToken) => inner.FindRunAsync(runId, cancellationToken);

    public Task<StoredRun?> LatestCompletedRunAsync(CancellationToken cancellationToken) => inner.LatestCompletedRunAsync(cancellationToken);

    public IAsyncEnumerable<StoredEvidence> ReadEvidenceAsync(string runId, CancellationToken cancellationToken) =>
        Evidence is { } evidence ? evidence(runId) : inner.ReadEvidenceAsync(runId, cancellationToken);

    public Task<IReadOnlyList<StoredProblem>> InventoryProblemsAsync(string runId, CancellationToken cancellationToken) => inner.InventoryProblemsAsync(runId, cancellationToken);

    public Task<IReadOnlyList<HostHistoryEntry>> HistoryAsync(string hostKey, int limit, CancellationToken cancellationToken) => inner.HistoryAsync(hostKey, limit, cancellationToken);

    public Task<IReadOnlyList<string>> HostKeysNamedAsync(string name, CancellationToken cancellationToken) => inner.HostKeysNamedAsync(name, cancellationToken);

    public Task<IReadOnlyList<LackingHost>> LackingAsync(string runId, string keyword, CancellationToken cancellationToken) => inner.LackingAsync(runId, keyword, cancellationToken);

    public Task<RunChanges> ChangesAsync(string runId, string? sinceRunId, CancellationToken cancellationToken) => inner.ChangesAsync(runId, sinceRunId, cancellationToken);

    public Task<IReadOnlyList<string>> HostsWithoutResultAsync(string runId, CancellationToken cancellationToken) => inner.HostsWithoutResultAsync(runId, cancellationToken);
}
