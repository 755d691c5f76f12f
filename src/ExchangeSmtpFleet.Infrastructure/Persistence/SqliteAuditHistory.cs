using System.Collections.Immutable;
using Dapper;
using ExchangeSmtpFleet.Core.Storage;

namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>The history reads on SQLite (<see cref="IAuditHistory"/>): each query next to the method that binds it.</summary>
internal sealed class SqliteAuditHistory(SqliteDatabase db) : IAuditHistory
{
    private const string RunColumns = "run_id, kind, started_at, finished_at, status, inventory_path, host_count, tool_version";

    private const string CountsOfRun = "SELECT verdict, COUNT(*) AS hosts FROM results WHERE run_id = @runId GROUP BY verdict";

    private const string VerdictsOfRun = """
        SELECT r.host_key, h.name, r.verdict
        FROM results r JOIN run_hosts h ON h.run_id = r.run_id AND h.host_key = r.host_key
        WHERE r.run_id = @runId
        """;

    public string Description => db.Description;

    public Task<IReadOnlyList<StoredRun>> ListRunsAsync(int limit, CancellationToken cancellationToken) => db.ReadAsync(async c =>
        (IReadOnlyList<StoredRun>)await StoredRows.WithCountsAsync(c, await c.QueryAsync<StoredRows.Run>(new CommandDefinition(
            $"SELECT {RunColumns} FROM runs ORDER BY started_at DESC LIMIT @limit", new { limit }, cancellationToken: cancellationToken)).ConfigureAwait(false),
            CountsOfRun, cancellationToken).ConfigureAwait(false), cancellationToken);

    public Task<StoredRun?> FindRunAsync(string runId, CancellationToken cancellationToken) => db.ReadAsync(async c =>
    {
        var sql = string.Equals(runId, "latest", StringComparison.OrdinalIgnoreCase)
            ? $"SELECT {RunColumns} FROM runs ORDER BY started_at DESC LIMIT 1"
            : $"SELECT {RunColumns} FROM runs WHERE run_id = @runId";
        var rows = await c.QueryAsync<StoredRows.Run>(new CommandDefinition(sql, new { runId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return (await StoredRows.WithCountsAsync(c, rows, CountsOfRun, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
    }, cancellationToken);

    public Task<StoredRun?> LatestCompletedRunAsync(CancellationToken cancellationToken) => db.ReadAsync(async c =>
    {
        var rows = await c.QueryAsync<StoredRows.Run>(new CommandDefinition(
            $"SELECT {RunColumns} FROM runs WHERE status = @completed ORDER BY started_at DESC LIMIT 1",
            new { completed = nameof(Core.Auditing.AuditRunStatus.Completed) }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return (await StoredRows.WithCountsAsync(c, rows, CountsOfRun, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
    }, cancellationToken);

    public async IAsyncEnumerable<StoredResult> ReadResultsAsync(string runId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT r.host_key, h.host, h.port, h.name, h.site, h.owner, h.profile, r.verdict, r.reason, r.family, r.banner, r.missing, r.detail,
                   r.probed_at, r.previous_verdict, r.verdict_since
            FROM results r JOIN run_hosts h ON h.run_id = r.run_id AND h.host_key = r.host_key
            WHERE r.run_id = @runId
            ORDER BY h.line_number
            """;
        await foreach (var row in db.StreamAsync<StoredRows.Result>(sql, new { runId }, cancellationToken).ConfigureAwait(false))
        {
            yield return StoredRows.ToResult(row);
        }
    }

    public IAsyncEnumerable<(string HostKey, ImmutableArray<string> Keywords)> ReadKeywordsAsync(string runId, CancellationToken cancellationToken) =>
        StoredRows.GroupKeywords(db.StreamAsync<StoredRows.Keyword>(
            """
            SELECT r.host_key, k.name FROM results r JOIN keyword_sets k ON k.set_id = r.keywords_pre_tls
            WHERE r.run_id = @runId ORDER BY r.host_key, k.position
            """, new { runId }, cancellationToken), cancellationToken);

    public IAsyncEnumerable<StoredEvidence> ReadEvidenceAsync(string runId, CancellationToken cancellationToken) =>
        StoredRows.GroupEvidence(db.StreamAsync<StoredRows.Evidence>(
            """
            SELECT r.host_key, r.family_evidence, r.version, r.greeting, r.unexpected, r.tls, r.address, r.attempts, r.connect_ms, r.banner_ms,
                   r.ehlo_ms, r.tls_ms, r.total_ms, r.transcript, f.code, f.severity, f.message
            FROM results r JOIN run_hosts h ON h.run_id = r.run_id AND h.host_key = r.host_key
            LEFT JOIN findings f ON f.run_id = r.run_id AND f.host_key = r.host_key
            WHERE r.run_id = @runId
            ORDER BY h.line_number, f.position
            """, new { runId }, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<StoredProblem>> InventoryProblemsAsync(string runId, CancellationToken cancellationToken) => db.ReadAsync(async c =>
        (IReadOnlyList<StoredProblem>)[.. (await c.QueryAsync<StoredRows.Problem>(new CommandDefinition(
            "SELECT line_number, reason, raw_text FROM inventory_problems WHERE run_id = @runId ORDER BY position",
            new { runId }, cancellationToken: cancellationToken)).ConfigureAwait(false)).Select(StoredRows.ToProblem)], cancellationToken);

    public Task<IReadOnlyList<HostHistoryEntry>> HistoryAsync(string hostKey, int limit, CancellationToken cancellationToken) => db.ReadAsync(async c =>
        (IReadOnlyList<HostHistoryEntry>)[.. (await c.QueryAsync<StoredRows.History>(new CommandDefinition(
            """
            SELECT r.run_id, runs.started_at, r.verdict, r.reason, r.missing
            FROM results r JOIN runs ON runs.run_id = r.run_id
            WHERE r.host_key = @hostKey
            ORDER BY runs.started_at DESC
            LIMIT @limit
            """, new { hostKey, limit }, cancellationToken: cancellationToken)).ConfigureAwait(false)).Select(StoredRows.ToHistoryEntry)], cancellationToken);

    public Task<IReadOnlyList<string>> HostKeysNamedAsync(string name, CancellationToken cancellationToken) => db.ReadAsync(async c =>
        (IReadOnlyList<string>)[.. await c.QueryAsync<string>(new CommandDefinition(
            "SELECT DISTINCT host_key FROM run_hosts WHERE name = @name COLLATE NOCASE ORDER BY host_key", new { name }, cancellationToken: cancellationToken))
            .ConfigureAwait(false)], cancellationToken);

    public Task<IReadOnlyList<LackingHost>> LackingAsync(string runId, string keyword, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keyword);
        return db.ReadAsync(async c => (IReadOnlyList<LackingHost>)[.. (await c.QueryAsync<StoredRows.Lacking>(new CommandDefinition(
            """
            SELECT r.host_key, h.name, r.verdict, r.family, h.ignore_verbs
            FROM results r JOIN run_hosts h ON h.run_id = r.run_id AND h.host_key = r.host_key
            WHERE r.run_id = @runId
              AND r.keywords_pre_tls IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM keyword_sets k WHERE k.set_id = r.keywords_pre_tls AND k.name = @keyword)
            ORDER BY r.host_key
            """, new { runId, keyword = keyword.Trim().ToUpperInvariant() }, cancellationToken: cancellationToken)).ConfigureAwait(false))
            .Select(r => StoredRows.ToLackingHost(r, keyword))], cancellationToken);
    }

    public Task<RunChanges> ChangesAsync(string runId, string? sinceRunId, CancellationToken cancellationToken) => db.ReadAsync(async c =>
    {
        sinceRunId ??= await c.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            """
            SELECT run_id FROM runs
            WHERE status = @completed AND started_at < (SELECT started_at FROM runs WHERE run_id = @runId)
            ORDER BY started_at DESC LIMIT 1
            """, new { runId, completed = nameof(Core.Auditing.AuditRunStatus.Completed) }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var after = await c.QueryAsync<StoredRows.Verdicts>(new CommandDefinition(VerdictsOfRun, new { runId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var before = sinceRunId is null
            ? []
            : await c.QueryAsync<StoredRows.Verdicts>(new CommandDefinition(VerdictsOfRun, new { runId = sinceRunId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return StoredRows.Changes(runId, sinceRunId, after, before);
    }, cancellationToken);

    public Task<IReadOnlyList<string>> HostsWithoutResultAsync(string runId, CancellationToken cancellationToken) => db.ReadAsync(async c =>
        (IReadOnlyList<string>)[.. await c.QueryAsync<string>(new CommandDefinition(
            """
            SELECT h.host_key FROM run_hosts h
            WHERE h.run_id = @runId AND NOT EXISTS (SELECT 1 FROM results r WHERE r.run_id = h.run_id AND r.host_key = h.host_key)
            ORDER BY h.line_number
            """, new { runId }, cancellationToken: cancellationToken)).ConfigureAwait(false)], cancellationToken);
}
