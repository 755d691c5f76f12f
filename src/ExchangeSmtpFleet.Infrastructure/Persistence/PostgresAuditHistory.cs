using System.Collections.Immutable;
using Dapper;
using ExchangeSmtpFleet.Core.Storage;

namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>
/// The history reads on PostgreSQL (<see cref="IAuditHistory"/>): each query next to the method that binds it. A read that
/// meets a transient error (a restart of the server) is made again (<see cref="PostgresDatabase"/>); a stream's opening is,
/// its rows are not (what it gave stays given).
/// </summary>
internal sealed class PostgresAuditHistory(PostgresDatabase db) : IAuditHistory
{
    private const string RunColumns = "run_id, kind, started_at, finished_at, status, inventory_path, host_count, tool_version";

    private const string CountsOfRun = "SELECT verdict, COUNT(*) AS hosts FROM results WHERE run_id = @runId GROUP BY verdict;";

    private const string ListRuns = $"SELECT {RunColumns} FROM runs ORDER BY started_at DESC LIMIT @limit;";

    private const string LatestRun = $"SELECT {RunColumns} FROM runs ORDER BY started_at DESC LIMIT 1;";

    private const string FindRun = $"SELECT {RunColumns} FROM runs WHERE run_id = @runId;";

    private const string LatestCompletedRun = $"SELECT {RunColumns} FROM runs WHERE status = @completed ORDER BY started_at DESC LIMIT 1;";

    private const string ResultsOfRun = """
        SELECT r.host_key, h.host, h.port, h.name, h.site, h.owner, h.profile, r.verdict, r.reason, r.family, r.banner, r.missing, r.detail,
               r.probed_at, r.previous_verdict, r.verdict_since
        FROM results AS r JOIN run_hosts AS h ON h.run_id = r.run_id AND h.host_key = r.host_key
        WHERE r.run_id = @runId
        ORDER BY h.line_number;
        """;

    /// <summary>Ordered by host and position: the grouping needs a host's rows together, whatever the collation sorts them as.</summary>
    private const string KeywordsOfRun = """
        SELECT r.host_key, k.name FROM results AS r JOIN keyword_sets AS k ON k.set_id = r.keywords_pre_tls
        WHERE r.run_id = @runId ORDER BY r.host_key, k.position;
        """;

    private const string EvidenceOfRun = """
        SELECT r.host_key, r.family_evidence, r.version, r.greeting, r.unexpected, r.tls, r.address, r.attempts, r.connect_ms, r.banner_ms,
               r.ehlo_ms, r.tls_ms, r.total_ms, r.transcript, f.code, f.severity, f.message
        FROM results AS r JOIN run_hosts AS h ON h.run_id = r.run_id AND h.host_key = r.host_key
        LEFT JOIN findings AS f ON f.run_id = r.run_id AND f.host_key = r.host_key
        WHERE r.run_id = @runId
        ORDER BY h.line_number, f.position;
        """;

    private const string ProblemsOfRun = "SELECT line_number, reason, raw_text FROM inventory_problems WHERE run_id = @runId ORDER BY position;";

    /// <summary>The host's rows by ix_results_host_time (host_key, run_started_at), newest first: the run's start is on the result.</summary>
    private const string HostHistory = """
        SELECT r.run_id, runs.started_at, r.verdict, r.reason, r.missing
        FROM results AS r JOIN runs ON runs.run_id = r.run_id
        WHERE r.host_key = @hostKey
        ORDER BY r.run_started_at DESC
        LIMIT @limit;
        """;

    /// <summary>Names compared in lower case, as the other dialects do (lower() follows the database's collation for non-ASCII).</summary>
    private const string HostKeysNamed = "SELECT DISTINCT host_key FROM run_hosts WHERE lower(name) = lower(@name) ORDER BY host_key;";

    private const string Lacking = """
        SELECT r.host_key, h.name, r.verdict, r.family, h.ignore_verbs
        FROM results AS r JOIN run_hosts AS h ON h.run_id = r.run_id AND h.host_key = r.host_key
        WHERE r.run_id = @runId
          AND r.keywords_pre_tls IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM keyword_sets AS k WHERE k.set_id = r.keywords_pre_tls AND k.name = @keyword)
        ORDER BY r.host_key;
        """;

    private const string RunBefore = """
        SELECT run_id FROM runs
        WHERE status = @completed AND started_at < (SELECT started_at FROM runs WHERE run_id = @runId)
        ORDER BY started_at DESC
        LIMIT 1;
        """;

    private const string VerdictsOfRun = """
        SELECT r.host_key, h.name, r.verdict
        FROM results AS r JOIN run_hosts AS h ON h.run_id = r.run_id AND h.host_key = r.host_key
        WHERE r.run_id = @runId;
        """;

    private const string HostsWithoutResult = """
        SELECT h.host_key FROM run_hosts AS h
        WHERE h.run_id = @runId AND NOT EXISTS (SELECT 1 FROM results AS r WHERE r.run_id = h.run_id AND r.host_key = h.host_key)
        ORDER BY h.line_number;
        """;

    public string Description => db.Description;

    public Task<IReadOnlyList<StoredRun>> ListRunsAsync(int limit, CancellationToken cancellationToken) => db.ReadAsync(async c =>
        (IReadOnlyList<StoredRun>)await StoredRows.WithCountsAsync(c, await c.QueryAsync<StoredRows.Run>(new CommandDefinition(
            ListRuns, new { limit }, cancellationToken: cancellationToken)).ConfigureAwait(false), CountsOfRun, cancellationToken).ConfigureAwait(false), cancellationToken);

    public Task<StoredRun?> FindRunAsync(string runId, CancellationToken cancellationToken) => db.ReadAsync(async c =>
    {
        var sql = string.Equals(runId, "latest", StringComparison.OrdinalIgnoreCase) ? LatestRun : FindRun;
        var rows = await c.QueryAsync<StoredRows.Run>(new CommandDefinition(sql, new { runId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return (await StoredRows.WithCountsAsync(c, rows, CountsOfRun, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
    }, cancellationToken);

    public Task<StoredRun?> LatestCompletedRunAsync(CancellationToken cancellationToken) => db.ReadAsync(async c =>
    {
        var rows = await c.QueryAsync<StoredRows.Run>(new CommandDefinition(
            LatestCompletedRun, new { completed = nameof(Core.Auditing.AuditRunStatus.Completed) }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return (await StoredRows.WithCountsAsync(c, rows, CountsOfRun, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
    }, cancellationToken);

    public async IAsyncEnumerable<StoredResult> ReadResultsAsync(string runId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var row in db.StreamAsync<StoredRows.Result>(ResultsOfRun, new { runId }, cancellationToken).ConfigureAwait(false))
        {
            yield return StoredRows.ToResult(row);
        }
    }

    public IAsyncEnumerable<(string HostKey, ImmutableArray<string> Keywords)> ReadKeywordsAsync(string runId, CancellationToken cancellationToken) =>
        StoredRows.GroupKeywords(db.StreamAsync<StoredRows.Keyword>(KeywordsOfRun, new { runId }, cancellationToken), cancellationToken);

    public IAsyncEnumerable<StoredEvidence> ReadEvidenceAsync(string runId, CancellationToken cancellationToken) =>
        StoredRows.GroupEvidence(db.StreamAsync<StoredRows.Evidence>(EvidenceOfRun, new { runId }, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<StoredProblem>> InventoryProblemsAsync(string runId, CancellationToken cancellationToken) => db.ReadAsync(async c =>
        (IReadOnlyList<StoredProblem>)[.. (await c.QueryAsync<StoredRows.Problem>(new CommandDefinition(
            ProblemsOfRun, new { runId }, cancellationToken: cancellationToken)).ConfigureAwait(false)).Select(StoredRows.ToProblem)], cancellationToken);

    public Task<IReadOnlyList<HostHistoryEntry>> HistoryAsync(string hostKey, int limit, CancellationToken cancellationToken) => db.ReadAsync(async c =>
        (IReadOnlyList<HostHistoryEntry>)[.. (await c.QueryAsync<StoredRows.History>(new CommandDefinition(
            HostHistory, new { hostKey, limit }, cancellationToken: cancellationToken)).ConfigureAwait(false)).Select(StoredRows.ToHistoryEntry)], cancellationToken);

    public Task<IReadOnlyList<string>> HostKeysNamedAsync(string name, CancellationToken cancellationToken) => db.ReadAsync(async c =>
        (IReadOnlyList<string>)[.. await c.QueryAsync<string>(new CommandDefinition(
            HostKeysNamed, new { name }, cancellationToken: cancellationToken)).ConfigureAwait(false)], cancellationToken);

    public Task<IReadOnlyList<LackingHost>> LackingAsync(string runId, string keyword, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keyword);
        return db.ReadAsync(async c => (IReadOnlyList<LackingHost>)[.. (await c.QueryAsync<StoredRows.Lacking>(new CommandDefinition(
            Lacking, new { runId, keyword = keyword.Trim().ToUpperInvariant() }, cancellationToken: cancellationToken)).ConfigureAwait(false))
            .Select(r => StoredRows.ToLackingHost(r, keyword))], cancellationToken);
    }

    public Task<RunChanges> ChangesAsync(string runId, string? sinceRunId, CancellationToken cancellationToken) => db.ReadAsync(async c =>
    {
        var since = sinceRunId ?? await c.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            RunBefore, new { runId, completed = nameof(Core.Auditing.AuditRunStatus.Completed) }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var after = await c.QueryAsync<StoredRows.Verdicts>(new CommandDefinition(VerdictsOfRun, new { runId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var before = since is null
            ? []
            : await c.QueryAsync<StoredRows.Verdicts>(new CommandDefinition(VerdictsOfRun, new { runId = since }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return StoredRows.Changes(runId, since, after, before);
    }, cancellationToken);

    public Task<IReadOnlyList<string>> HostsWithoutResultAsync(string runId, CancellationToken cancellationToken) => db.ReadAsync(async c =>
        (IReadOnlyList<string>)[.. await c.QueryAsync<string>(new CommandDefinition(
            HostsWithoutResult, new { runId }, cancellationToken: cancellationToken)).ConfigureAwait(false)], cancellationToken);
}
