using System.Data;
using Dapper;
using ExchangeSmtpFleet.Core.Auditing;
using Microsoft.Data.SqlClient;

namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>
/// Writes a begun run's results to SQL Server as they arrive (<see cref="Core.Storage.IRunWriter.OpenResultSink"/>): each
/// batch is bulk-copied into the connection's temp tables and moved by one set-based statement (new keyword sets added,
/// MERGE, then the host's findings replaced), never a command per row. A batch is idempotent, so a transient error (a
/// deadlock, a fail-over) is answered by writing it again on a new connection.
/// </summary>
internal sealed class SqlServerResultSink(SqlServerDatabase db, string runId, DateTimeOffset startedAt) : IResultSink
{
    /// <summary>The staging tables of one connection: SqlBulkCopy fills them, one set-based statement moves them.</summary>
    internal const string CreateStaging = """
        CREATE TABLE #results (
            run_id NVARCHAR(64) NOT NULL, host_key NVARCHAR(300) NOT NULL, verdict NVARCHAR(40) NOT NULL, reason NVARCHAR(40) NOT NULL,
            family NVARCHAR(64) NOT NULL, family_evidence NVARCHAR(MAX) NOT NULL, version NVARCHAR(64) NULL, banner NVARCHAR(MAX) NULL,
            greeting NVARCHAR(MAX) NULL, missing NVARCHAR(MAX) NOT NULL, unexpected NVARCHAR(MAX) NOT NULL, detail NVARCHAR(MAX) NULL,
            tls NVARCHAR(MAX) NULL, address NVARCHAR(64) NULL, attempts INT NOT NULL, connect_ms FLOAT NULL, banner_ms FLOAT NULL,
            ehlo_ms FLOAT NULL, tls_ms FLOAT NULL, total_ms FLOAT NOT NULL, probed_at DATETIME2(7) NOT NULL, transcript NVARCHAR(MAX) NULL,
            run_started_at DATETIME2(7) NOT NULL, keywords_pre_tls NVARCHAR(80) NULL, keywords_post_tls NVARCHAR(80) NULL,
            PRIMARY KEY (run_id, host_key));
        CREATE TABLE #keyword_sets (
            set_id NVARCHAR(80) NOT NULL, position INT NOT NULL, name NVARCHAR(128) NOT NULL, parameters NVARCHAR(MAX) NOT NULL,
            PRIMARY KEY (set_id, position));
        CREATE TABLE #findings (
            run_id NVARCHAR(64) NOT NULL, host_key NVARCHAR(300) NOT NULL, position INT NOT NULL, code NVARCHAR(40) NOT NULL,
            severity NVARCHAR(16) NOT NULL, arguments NVARCHAR(MAX) NOT NULL, message NVARCHAR(MAX) NOT NULL);
        """;

    /// <summary>
    /// One batch, set-based: the keyword sets it names that are not stored yet added (a set never changes; the lock keeps two
    /// batches from adding the same set at once), results merged (a host written again replaces itself), its verdict streak
    /// computed, then its findings replaced.
    /// </summary>
    private const string MoveStaging = """
        INSERT INTO dbo.keyword_sets (set_id, position, name, parameters)
            SELECT s.set_id, s.position, s.name, s.parameters FROM #keyword_sets AS s
            WHERE NOT EXISTS (SELECT 1 FROM dbo.keyword_sets AS k WITH (UPDLOCK, HOLDLOCK) WHERE k.set_id = s.set_id);
        MERGE dbo.results WITH (HOLDLOCK) AS t
        USING #results AS s ON t.run_id = s.run_id AND t.host_key = s.host_key
        WHEN MATCHED THEN UPDATE SET
            verdict = s.verdict, reason = s.reason, family = s.family, family_evidence = s.family_evidence, version = s.version,
            banner = s.banner, greeting = s.greeting, missing = s.missing, unexpected = s.unexpected, detail = s.detail, tls = s.tls,
            address = s.address, attempts = s.attempts, connect_ms = s.connect_ms, banner_ms = s.banner_ms, ehlo_ms = s.ehlo_ms,
            tls_ms = s.tls_ms, total_ms = s.total_ms, probed_at = s.probed_at, transcript = s.transcript, run_started_at = s.run_started_at,
            keywords_pre_tls = s.keywords_pre_tls, keywords_post_tls = s.keywords_post_tls
        WHEN NOT MATCHED THEN INSERT (run_id, host_key, verdict, reason, family, family_evidence, version, banner, greeting, missing, unexpected,
                                      detail, tls, address, attempts, connect_ms, banner_ms, ehlo_ms, tls_ms, total_ms, probed_at, transcript, run_started_at,
                                      keywords_pre_tls, keywords_post_tls)
            VALUES (s.run_id, s.host_key, s.verdict, s.reason, s.family, s.family_evidence, s.version, s.banner, s.greeting, s.missing, s.unexpected,
                    s.detail, s.tls, s.address, s.attempts, s.connect_ms, s.banner_ms, s.ehlo_ms, s.tls_ms, s.total_ms, s.probed_at, s.transcript,
                    s.run_started_at, s.keywords_pre_tls, s.keywords_post_tls);
        UPDATE r SET
            previous_verdict = p.verdict,
            verdict_since = CASE WHEN p.verdict = r.verdict THEN COALESCE(p.verdict_since, p.run_started_at) ELSE r.run_started_at END
        FROM dbo.results AS r
        JOIN #results AS s ON s.run_id = r.run_id AND s.host_key = r.host_key
        OUTER APPLY (SELECT TOP (1) q.verdict, q.verdict_since, q.run_started_at FROM dbo.results AS q
                     WHERE q.host_key = r.host_key AND q.run_started_at < r.run_started_at
                     ORDER BY q.run_started_at DESC) AS p;
        DELETE f FROM dbo.findings AS f JOIN #results AS s ON s.run_id = f.run_id AND s.host_key = f.host_key;
        INSERT INTO dbo.findings (run_id, host_key, position, code, severity, arguments, message)
            SELECT run_id, host_key, position, code, severity, arguments, message FROM #findings;
        TRUNCATE TABLE #results;
        TRUNCATE TABLE #keyword_sets;
        TRUNCATE TABLE #findings;
        """;

    private SqlConnection? _connection;

    public string Name => db.Description;

    public Task WriteAsync(IReadOnlyList<HostOutcome> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);

        // Tables are built once per batch and reused by a retry; a host twice in one batch keeps its last outcome.
        var latest = batch.GroupBy(o => o.Host.Key, StringComparer.Ordinal).Select(g => g.Last()).ToList();
        var sets = SqlServerTables.Table(("set_id", typeof(string)), ("position", typeof(int)), ("name", typeof(string)), ("parameters", typeof(string)));
        var results = Results(runId, startedAt.UtcDateTime, latest, sets);
        var findings = Findings(runId, latest);
        return db.WithRetryAsync(async () =>
        {
            var connection = await ConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = (SqlTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await SqlServerTables.BulkCopyAsync(connection, transaction, "#results", results, cancellationToken).ConfigureAwait(false);
            await SqlServerTables.BulkCopyAsync(connection, transaction, "#keyword_sets", sets, cancellationToken).ConfigureAwait(false);
            await SqlServerTables.BulkCopyAsync(connection, transaction, "#findings", findings, cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition(MoveStaging, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }, DropConnectionAsync, "store results", cancellationToken);
    }

    /// <summary>Every batch is committed when it is written: nothing is left to do.</summary>
    public Task CompleteAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask DisposeAsync() => DropConnectionAsync();

    /// <summary>The batch's results, each naming its keyword sets; the sets the batch names go into <paramref name="sets"/>, once each.</summary>
    private static DataTable Results(string runId, DateTime runStarted, IReadOnlyList<HostOutcome> batch, DataTable sets)
    {
        var table = SqlServerTables.Table(("run_id", typeof(string)), ("host_key", typeof(string)), ("verdict", typeof(string)), ("reason", typeof(string)),
            ("family", typeof(string)), ("family_evidence", typeof(string)), ("version", typeof(string)), ("banner", typeof(string)),
            ("greeting", typeof(string)), ("missing", typeof(string)), ("unexpected", typeof(string)), ("detail", typeof(string)),
            ("tls", typeof(string)), ("address", typeof(string)), ("attempts", typeof(int)), ("connect_ms", typeof(double)),
            ("banner_ms", typeof(double)), ("ehlo_ms", typeof(double)), ("tls_ms", typeof(double)), ("total_ms", typeof(double)),
            ("probed_at", typeof(DateTime)), ("transcript", typeof(string)), ("run_started_at", typeof(DateTime)),
            ("keywords_pre_tls", typeof(string)), ("keywords_post_tls", typeof(string)));
        var json = new System.Buffers.ArrayBufferWriter<byte>(2048);
        var named = new HashSet<string>(StringComparer.Ordinal);
        string? SetOf(System.Collections.Immutable.ImmutableArray<Core.Protocol.EhloKeyword> keywords)
        {
            var id = KeywordSets.Write(keywords, json);
            if (id is not null && named.Add(id))
            {
                for (var i = 0; i < keywords.Length; i++)
                {
                    sets.Rows.Add(id, i, keywords[i].Name, KeywordSets.Parameters(keywords[i]));
                }
            }

            return id;
        }

        static object Value(object? value) => SqlServerTables.Value(value);
        foreach (var outcome in batch)
        {
            var c = outcome.Classification;
            var p = outcome.Probe;
            table.Rows.Add(runId, outcome.Host.Key, c.Verdict.ToString(), c.Reason.ToString(), c.Family, c.FamilyEvidence, Value(c.Version),
                Value(c.Banner), Value(c.EhloGreeting), StoredText.List(c.Missing), StoredText.List(c.Unexpected), Value(c.Detail),
                Value(StoredText.Tls(c.Tls)), Value(p.Address), p.Attempts, Value(p.Timings.ConnectMs), Value(p.Timings.BannerMs),
                Value(p.Timings.EhloMs), Value(p.Timings.TlsMs), p.Timings.TotalMs, p.StartedAt.UtcDateTime, StoredText.Transcript(p), runStarted,
                Value(SetOf(c.Keywords)), Value(SetOf(c.PostTlsKeywords)));
        }

        return table;
    }

    private static DataTable Findings(string runId, IReadOnlyList<HostOutcome> batch)
    {
        var table = SqlServerTables.Table(("run_id", typeof(string)), ("host_key", typeof(string)), ("position", typeof(int)), ("code", typeof(string)),
            ("severity", typeof(string)), ("arguments", typeof(string)), ("message", typeof(string)));
        foreach (var outcome in batch)
        {
            var findings = outcome.Classification.Findings;
            for (var i = 0; i < findings.Length; i++)
            {
                table.Rows.Add(runId, outcome.Host.Key, i, findings[i].Code.ToString(), findings[i].Severity.ToString(), StoredText.List(findings[i].Arguments),
                    findings[i].Message);
            }
        }

        return table;
    }

    /// <summary>The sink's connection, with its staging temp tables (they live as long as the session).</summary>
    private async Task<SqlConnection> ConnectionAsync(CancellationToken cancellationToken)
    {
        if (_connection is { State: ConnectionState.Open })
        {
            return _connection;
        }

        await DropConnectionAsync().ConfigureAwait(false);
        var connection = await db.OpenSqlAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(CreateStaging, cancellationToken: cancellationToken)).ConfigureAwait(false);
        _connection = connection;
        return connection;
    }

    private async ValueTask DropConnectionAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
            _connection = null;
        }
    }
}
