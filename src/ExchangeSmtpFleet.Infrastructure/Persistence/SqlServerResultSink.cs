using System.Data;
using Dapper;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Storage;
using Microsoft.Data.SqlClient;

namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>
/// Writes a begun run's results to SQL Server as they arrive (<see cref="IRunWriter.OpenResultSink"/>): each batch's new
/// keyword sets are added first, then the batch is bulk-copied into the connection's temp tables and moved by one
/// set-based statement (MERGE, then the host's findings replaced), never a command per row. A batch is idempotent, so a transient error (a
/// deadlock, a fail-over) is answered by writing it again on a new connection.
/// </summary>
internal sealed class SqlServerResultSink(SqlServerDatabase db, string runId, DateTimeOffset startedAt) : IResultSink
{
    /// <summary>
    /// The staging tables of one connection: SqlBulkCopy fills them, set-based statements move them. A temp table takes
    /// tempdb's collation (the server's), and joining its text with the database's columns in another collation is error
    /// 468: every character column declares COLLATE DATABASE_DEFAULT (issue 21, item 2).
    /// </summary>
    internal const string CreateStaging = """
        CREATE TABLE #results (
            run_id NVARCHAR(64) COLLATE DATABASE_DEFAULT NOT NULL, host_key NVARCHAR(300) COLLATE DATABASE_DEFAULT NOT NULL,
            verdict NVARCHAR(40) COLLATE DATABASE_DEFAULT NOT NULL, reason NVARCHAR(40) COLLATE DATABASE_DEFAULT NOT NULL,
            family NVARCHAR(64) COLLATE DATABASE_DEFAULT NOT NULL, family_evidence NVARCHAR(MAX) COLLATE DATABASE_DEFAULT NOT NULL,
            version NVARCHAR(64) COLLATE DATABASE_DEFAULT NULL, banner NVARCHAR(MAX) COLLATE DATABASE_DEFAULT NULL,
            greeting NVARCHAR(MAX) COLLATE DATABASE_DEFAULT NULL, missing NVARCHAR(MAX) COLLATE DATABASE_DEFAULT NOT NULL,
            unexpected NVARCHAR(MAX) COLLATE DATABASE_DEFAULT NOT NULL, detail NVARCHAR(MAX) COLLATE DATABASE_DEFAULT NULL,
            tls NVARCHAR(MAX) COLLATE DATABASE_DEFAULT NULL, address NVARCHAR(64) COLLATE DATABASE_DEFAULT NULL, attempts INT NOT NULL,
            connect_ms FLOAT NULL, banner_ms FLOAT NULL, ehlo_ms FLOAT NULL, tls_ms FLOAT NULL, total_ms FLOAT NOT NULL,
            probed_at DATETIME2(7) NOT NULL, transcript NVARCHAR(MAX) COLLATE DATABASE_DEFAULT NULL, run_started_at DATETIME2(7) NOT NULL,
            keywords_pre_tls NVARCHAR(80) COLLATE DATABASE_DEFAULT NULL, keywords_post_tls NVARCHAR(80) COLLATE DATABASE_DEFAULT NULL,
            PRIMARY KEY (run_id, host_key));
        CREATE TABLE #keyword_sets (
            set_id NVARCHAR(80) COLLATE DATABASE_DEFAULT NOT NULL, position INT NOT NULL, name NVARCHAR(128) COLLATE DATABASE_DEFAULT NOT NULL,
            parameters NVARCHAR(MAX) COLLATE DATABASE_DEFAULT NOT NULL,
            PRIMARY KEY (set_id, position));
        CREATE TABLE #findings (
            run_id NVARCHAR(64) COLLATE DATABASE_DEFAULT NOT NULL, host_key NVARCHAR(300) COLLATE DATABASE_DEFAULT NOT NULL, position INT NOT NULL,
            code NVARCHAR(40) COLLATE DATABASE_DEFAULT NOT NULL, severity NVARCHAR(16) COLLATE DATABASE_DEFAULT NOT NULL,
            arguments NVARCHAR(MAX) COLLATE DATABASE_DEFAULT NOT NULL, message NVARCHAR(MAX) COLLATE DATABASE_DEFAULT NOT NULL);
        """;

    /// <summary>Empties the keyword sets' staging table before a batch copies its sets (a failed attempt may have left rows).</summary>
    private const string ClearKeywordSets = "TRUNCATE TABLE #keyword_sets;";

    /// <summary>
    /// The keyword sets a batch names that are not stored yet, in a statement (and transaction) of its own before the batch's
    /// transaction (issue 21, item 7): a set is content-addressed and never changes, so it needs no lock held across the
    /// batch, and the hosts of one Exchange build, which share a set, do not queue every writer on every machine behind one
    /// range lock. Two writers adding the same set at once: the second meets a duplicate key, which is success (see
    /// <see cref="AddKeywordSetsAsync"/>).
    /// </summary>
    private const string AddKeywordSets = """
        INSERT INTO dbo.keyword_sets (set_id, position, name, parameters)
            SELECT s.set_id, s.position, s.name, s.parameters FROM #keyword_sets AS s
            WHERE NOT EXISTS (SELECT 1 FROM dbo.keyword_sets AS k WHERE k.set_id = s.set_id);
        """;

    /// <summary>
    /// One batch, set-based, in one transaction: results merged (a host written again replaces itself; HOLDLOCK keeps two
    /// writers of the same host from both inserting), its verdict streak computed, then its findings replaced.
    /// </summary>
    private const string MoveStaging = """
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
        TRUNCATE TABLE #findings;
        """;

    /// <summary>How often the keyword sets' insert meets another writer's same set before it gives up (each time it adds the rest).</summary>
    private const int KeywordSetAttempts = 5;

    private SqlConnection? _connection;

    public string Name => db.Description;

    public Task WriteAsync(IReadOnlyList<HostOutcome> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);

        // Tables are built once per batch and reused by a retry; a host twice in one batch keeps its last outcome.
        var latest = batch.GroupBy(o => o.Host.Key, StringComparer.Ordinal).Select(g => g.Last()).ToList();
        var sets = KeywordSetRows();
        var results = Results(runId, startedAt.UtcDateTime, latest, sets);
        var findings = Findings(runId, latest);
        return db.WithRetryAsync(async () =>
        {
            var connection = await ConnectionAsync(cancellationToken).ConfigureAwait(false);
            await AddKeywordSetsAsync(connection, sets, cancellationToken).ConfigureAwait(false);
            await using var transaction = (SqlTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await SqlServerTables.BulkCopyAsync(connection, transaction, "#results", results, db.Description, cancellationToken).ConfigureAwait(false);
            await SqlServerTables.BulkCopyAsync(connection, transaction, "#findings", findings, db.Description, cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition(MoveStaging, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }, DropConnectionAsync, "store results", cancellationToken);
    }

    /// <summary>Every batch is committed when it is written: nothing is left to do.</summary>
    public Task CompleteAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask DisposeAsync() => DropConnectionAsync();

    /// <summary>
    /// The keyword sets the batch names, each statement committed on its own (autocommit). A duplicate key means another
    /// writer added one of the sets since this statement looked (ids are content hashes, so its rows are these rows): the
    /// statement is run again and adds the rest; the statement is all or nothing, so a set is never stored in part.
    /// </summary>
    private async Task AddKeywordSetsAsync(SqlConnection connection, DataTable sets, CancellationToken cancellationToken)
    {
        if (sets.Rows.Count == 0)
        {
            return;
        }

        await connection.ExecuteAsync(new CommandDefinition(ClearKeywordSets, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await SqlServerTables.BulkCopyAsync(connection, null, "#keyword_sets", sets, db.Description, cancellationToken).ConfigureAwait(false);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await connection.ExecuteAsync(new CommandDefinition(AddKeywordSets, cancellationToken: cancellationToken)).ConfigureAwait(false);
                return;
            }
            catch (SqlException e) when (e.Number is 2627 or 2601 && attempt < KeywordSetAttempts)
            {
                // Another writer's same set: taken as stored; the next attempt adds what is still missing.
            }
        }
    }

    /// <summary>The keyword sets' rows of a batch, as <c>#keyword_sets</c> takes them (filled by <see cref="Results"/>).</summary>
    internal static DataTable KeywordSetRows() =>
        SqlServerTables.Table(("set_id", typeof(string)), ("position", typeof(int)), ("name", typeof(string)), ("parameters", typeof(string)));

    /// <summary>The batch's results, each naming its keyword sets; the sets the batch names go into <paramref name="sets"/>, once each.</summary>
    internal static DataTable Results(string runId, DateTime runStarted, IReadOnlyList<HostOutcome> batch, DataTable sets)
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
                    sets.Rows.Add(id, i, KeywordSets.Name(keywords[i]), KeywordSets.Parameters(keywords[i]));
                }
            }

            return id;
        }

        static object Value(object? value) => SqlServerTables.Value(value);
        foreach (var outcome in batch)
        {
            var c = outcome.Classification;
            var p = outcome.Probe;
            table.Rows.Add(runId, outcome.Host.Key, c.Verdict.ToString(), c.Reason.ToString(), c.Family, c.FamilyEvidence, Value(StoredLimits.Cut(c.Version, StoredLimits.Version)),
                Value(c.Banner), Value(c.EhloGreeting), StoredText.List(c.Missing), StoredText.List(c.Unexpected), Value(c.Detail),
                Value(StoredText.Tls(c.Tls)), Value(StoredLimits.Cut(p.Address, StoredLimits.Address)), p.Attempts, Value(p.Timings.ConnectMs), Value(p.Timings.BannerMs),
                Value(p.Timings.EhloMs), Value(p.Timings.TlsMs), p.Timings.TotalMs, p.StartedAt.UtcDateTime, StoredText.Transcript(p), runStarted,
                Value(SetOf(c.Keywords)), Value(SetOf(c.PostTlsKeywords)));
        }

        return table;
    }

    internal static DataTable Findings(string runId, IReadOnlyList<HostOutcome> batch)
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
