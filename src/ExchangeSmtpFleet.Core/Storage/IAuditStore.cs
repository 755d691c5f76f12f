using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Inventory;

namespace ExchangeSmtpFleet.Core.Storage;

/// <summary>
/// Where audit runs are kept (SPEC 6): the write side is a result sink per run, the read side the history queries.
/// Implementations live in Infrastructure/Persistence; every failure of the database itself is a <see cref="StoreException"/>.
/// </summary>
public interface IAuditStore
{
    /// <summary>Which database, for messages: provider and file or server, never a password.</summary>
    string Description { get; }

    /// <summary>Creates or upgrades the schema; running it again changes nothing.</summary>
    /// <param name="cancellationToken">Cancels between scripts.</param>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>
    /// A sink that stores one run: the run, its inventory snapshot and problems when opened, results in one transaction
    /// per batch as they arrive (a host written again replaces itself), the final status when closed.
    /// </summary>
    /// <param name="inventory">The inventory the run audits.</param>
    IResultSink CreateSink(InventoryReadResult inventory);

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
    IAsyncEnumerable<(string HostKey, System.Collections.Immutable.ImmutableArray<string> Keywords)> ReadKeywordsAsync(string runId, CancellationToken cancellationToken);

    /// <summary>The evidence of every result of a run (all other fields, findings, transcript), in inventory order, streamed.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Stops the reading.</param>
    IAsyncEnumerable<StoredEvidence> ReadEvidenceAsync(string runId, CancellationToken cancellationToken);

    /// <summary>The bad inventory rows of a run, in file order.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    Task<IReadOnlyList<StoredProblem>> InventoryProblemsAsync(string runId, CancellationToken cancellationToken);

    /// <summary>When a run's report was mailed, or null when it was not.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    Task<DateTimeOffset?> MailedAtAsync(string runId, CancellationToken cancellationToken);

    /// <summary>Records that a run's report was mailed (again: the newer time wins).</summary>
    /// <param name="runId">The run.</param>
    /// <param name="sentAt">When (UTC).</param>
    /// <param name="recipients">To whom.</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    Task RecordMailedAsync(string runId, DateTimeOffset sentAt, string recipients, CancellationToken cancellationToken);

    /// <summary>The verdicts of one host, newest run first.</summary>
    /// <param name="hostKey">The host's <see cref="HostKey"/>.</param>
    /// <param name="limit">Most runs.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    Task<IReadOnlyList<HostHistoryEntry>> HistoryAsync(string hostKey, int limit, CancellationToken cancellationToken);

    /// <summary>Hosts of a run that answered EHLO without advertising <paramref name="keyword"/> (before TLS).</summary>
    /// <param name="runId">The run.</param>
    /// <param name="keyword">The keyword, case-insensitive.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    Task<IReadOnlyList<LackingHost>> LackingAsync(string runId, string keyword, CancellationToken cancellationToken);

    /// <summary>What changed between a run and an earlier one (by default the run before it).</summary>
    /// <param name="runId">The later run.</param>
    /// <param name="sinceRunId">The earlier run; null for the one that started last before <paramref name="runId"/>.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    Task<RunChanges> ChangesAsync(string runId, string? sinceRunId, CancellationToken cancellationToken);

    /// <summary>Hosts of a run's inventory that have no result yet (a run to resume).</summary>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    Task<IReadOnlyList<string>> HostsWithoutResultAsync(string runId, CancellationToken cancellationToken);

    /// <summary>Drops the transcripts of runs that started before <paramref name="before"/>; verdicts, keywords and findings stay.</summary>
    /// <param name="before">The cut-off (UTC).</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    /// <returns>Results whose transcript was dropped.</returns>
    Task<int> PruneTranscriptsAsync(DateTimeOffset before, CancellationToken cancellationToken);

    /// <summary>Deletes whole runs that started before <paramref name="before"/>: results, keywords, findings, inventory snapshot.</summary>
    /// <param name="before">The cut-off (UTC).</param>
    /// <param name="cancellationToken">Cancels the statements.</param>
    /// <returns>Runs deleted.</returns>
    Task<int> PruneRunsAsync(DateTimeOffset before, CancellationToken cancellationToken);
}
