using System.Collections.Immutable;

namespace ExchangeSmtpFleet.Core.Storage;

/// <summary>
/// The read side of the stored runs (SPEC 6), as Hangfire's <c>IMonitoringApi</c> is of its jobs: what the report, the
/// mail, the dashboard and the reading commands show. Every failure of the database itself is a <see cref="StoreException"/>.
/// </summary>
public interface IAuditHistory : IStoreRole
{
    /// <summary>The newest runs first, each with its counts per verdict.</summary>
    /// <param name="limit">Most runs.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    Task<IReadOnlyList<StoredRun>> ListRunsAsync(int limit, CancellationToken cancellationToken);

    /// <summary>One run by id, or the newest for <c>latest</c>; null when there is none.</summary>
    /// <param name="runId">A run id or <c>latest</c>.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    Task<StoredRun?> FindRunAsync(string runId, CancellationToken cancellationToken);

    /// <summary>The newest run that completed, or null when none has (what monitoring asks: how old is the last good audit).</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    Task<StoredRun?> LatestCompletedRunAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The results of a run in inventory order, streamed: a run of 100,000 hosts is never held in memory at once. Each
    /// result says the host's verdict in the run before and since when it has had its verdict.
    /// </summary>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Stops the reading.</param>
    IAsyncEnumerable<StoredResult> ReadResultsAsync(string runId, CancellationToken cancellationToken);

    /// <summary>The keywords each host of a run advertised before TLS, host by host (hosts without a list are left out).</summary>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Stops the reading.</param>
    IAsyncEnumerable<(string HostKey, ImmutableArray<string> Keywords)> ReadKeywordsAsync(string runId, CancellationToken cancellationToken);

    /// <summary>The evidence of every result of a run (all other fields, findings, transcript), in inventory order, streamed.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Stops the reading.</param>
    IAsyncEnumerable<StoredEvidence> ReadEvidenceAsync(string runId, CancellationToken cancellationToken);

    /// <summary>The bad inventory rows of a run, in file order.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    Task<IReadOnlyList<StoredProblem>> InventoryProblemsAsync(string runId, CancellationToken cancellationToken);

    /// <summary>The verdicts of one host, newest run first.</summary>
    /// <param name="hostKey">The host's <see cref="Inventory.HostKey"/>.</param>
    /// <param name="limit">Most runs.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    Task<IReadOnlyList<HostHistoryEntry>> HistoryAsync(string hostKey, int limit, CancellationToken cancellationToken);

    /// <summary>The host keys whose inventory rows carry <paramref name="name"/> (case-insensitive) in any stored run, in key order.</summary>
    /// <param name="name">A name from the inventory's Name column.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    Task<IReadOnlyList<string>> HostKeysNamedAsync(string name, CancellationToken cancellationToken);

    /// <summary>Hosts of a run that answered EHLO without advertising <paramref name="keyword"/> (before TLS).</summary>
    /// <param name="runId">The run.</param>
    /// <param name="keyword">The keyword, case-insensitive.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    Task<IReadOnlyList<LackingHost>> LackingAsync(string runId, string keyword, CancellationToken cancellationToken);

    /// <summary>What changed between a run and an earlier one (by default the latest completed run before it).</summary>
    /// <param name="runId">The later run.</param>
    /// <param name="sinceRunId">
    /// The earlier run; null for the completed run that started last before <paramref name="runId"/>: an interrupted or
    /// failed run lacks hosts, and would show a host that broke as added instead of a new problem.
    /// </param>
    /// <param name="cancellationToken">Cancels the query.</param>
    Task<RunChanges> ChangesAsync(string runId, string? sinceRunId, CancellationToken cancellationToken);

    /// <summary>Hosts of a run's inventory that have no result yet, in file order.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    Task<IReadOnlyList<string>> HostsWithoutResultAsync(string runId, CancellationToken cancellationToken);
}
