using System.Data.Common;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Inventory;
using ExchangeSmtpFleet.Core.Storage;
using Microsoft.Data.Sqlite;

namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>
/// The embedded store (SPEC 6): one SQLite file, WAL journal (readers never wait for the nightly writer), a busy
/// time-out for the rare second writer. Reads with Dapper; the sink writes with prepared commands, one transaction per
/// batch (<see cref="SqliteRunSink"/>).
/// </summary>
public sealed class SqliteAuditStore : AuditStoreBase
{
    /// <summary>How long a statement waits for a lock held by another process before it fails.</summary>
    public static readonly TimeSpan DefaultBusyTimeout = TimeSpan.FromSeconds(30);

    private const string JournalTable = "schema_versions";

    private static readonly StoreQueries SqliteQueries = new(
        ListRuns: "SELECT run_id, kind, started_at, finished_at, status, inventory_path, host_count, tool_version FROM runs ORDER BY started_at DESC LIMIT @limit",
        LatestRun: "SELECT run_id, kind, started_at, finished_at, status, inventory_path, host_count, tool_version FROM runs ORDER BY started_at DESC LIMIT 1",
        FindRun: "SELECT run_id, kind, started_at, finished_at, status, inventory_path, host_count, tool_version FROM runs WHERE run_id = @runId",
        CountsOfRun: "SELECT verdict, COUNT(*) AS hosts FROM results WHERE run_id = @run_id GROUP BY verdict",
        History: """
            SELECT r.run_id, runs.started_at, r.verdict, r.reason, r.missing
            FROM results r JOIN runs ON runs.run_id = r.run_id
            WHERE r.host_key = @hostKey
            ORDER BY runs.started_at DESC
            LIMIT @limit
            """,
        Lacking: """
            SELECT r.host_key, h.name, r.verdict, r.family
            FROM results r JOIN run_hosts h ON h.run_id = r.run_id AND h.host_key = r.host_key
            WHERE r.run_id = @runId
              AND r.keywords_pre_tls IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM keyword_sets k WHERE k.set_id = r.keywords_pre_tls AND k.name = @keyword)
            ORDER BY r.host_key
            """,
        RunBefore: """
            SELECT run_id FROM runs
            WHERE started_at < (SELECT started_at FROM runs WHERE run_id = @runId)
            ORDER BY started_at DESC LIMIT 1
            """,
        Verdicts: """
            SELECT r.host_key, h.name, r.verdict
            FROM results r JOIN run_hosts h ON h.run_id = r.run_id AND h.host_key = r.host_key
            WHERE r.run_id = @runId
            """,
        HostsWithoutResult: """
            SELECT h.host_key FROM run_hosts h
            WHERE h.run_id = @runId AND NOT EXISTS (SELECT 1 FROM results r WHERE r.run_id = h.run_id AND r.host_key = h.host_key)
            ORDER BY h.line_number
            """,
        PruneTranscripts: """
            UPDATE results SET transcript = NULL
            WHERE transcript IS NOT NULL AND run_id IN (SELECT run_id FROM runs WHERE started_at < @before)
            """,
        ResultsOfRun: """
            SELECT r.host_key, h.host, h.port, h.name, h.site, h.owner, h.profile, r.verdict, r.reason, r.family, r.banner, r.missing, r.detail,
                   r.probed_at, r.previous_verdict, r.verdict_since
            FROM results r JOIN run_hosts h ON h.run_id = r.run_id AND h.host_key = r.host_key
            WHERE r.run_id = @runId
            ORDER BY h.line_number
            """,
        PruneRuns: """
            DELETE FROM keyword_sets WHERE set_id IN (
                SELECT keywords_pre_tls FROM results WHERE keywords_pre_tls LIKE 'm:%' AND run_id IN (SELECT run_id FROM runs WHERE started_at < @before)
                UNION ALL
                SELECT keywords_post_tls FROM results WHERE keywords_post_tls LIKE 'm:%' AND run_id IN (SELECT run_id FROM runs WHERE started_at < @before));
            DELETE FROM findings WHERE run_id IN (SELECT run_id FROM runs WHERE started_at < @before);
            DELETE FROM results WHERE run_id IN (SELECT run_id FROM runs WHERE started_at < @before);
            DELETE FROM run_hosts WHERE run_id IN (SELECT run_id FROM runs WHERE started_at < @before);
            DELETE FROM inventory_problems WHERE run_id IN (SELECT run_id FROM runs WHERE started_at < @before);
            DELETE FROM runs WHERE started_at < @before;
            """,
        CountRunsBefore: "SELECT COUNT(*) FROM runs WHERE started_at < @before",
        KeywordsOfRun: """
            SELECT r.host_key, k.name FROM results r JOIN keyword_sets k ON k.set_id = r.keywords_pre_tls
            WHERE r.run_id = @runId ORDER BY r.host_key, k.position
            """,
        EvidenceOfRun: """
            SELECT r.host_key, r.family_evidence, r.version, r.greeting, r.unexpected, r.tls, r.address, r.attempts, r.connect_ms, r.banner_ms,
                   r.ehlo_ms, r.tls_ms, r.total_ms, r.transcript, f.code, f.severity, f.message
            FROM results r JOIN run_hosts h ON h.run_id = r.run_id AND h.host_key = r.host_key
            LEFT JOIN findings f ON f.run_id = r.run_id AND f.host_key = r.host_key
            WHERE r.run_id = @runId
            ORDER BY h.line_number, f.position
            """,
        ProblemsOfRun: "SELECT line_number, reason, raw_text FROM inventory_problems WHERE run_id = @runId ORDER BY position",
        MailedAt: "SELECT sent_at FROM mails WHERE run_id = @runId",
        RecordMailed: """
            INSERT INTO mails (run_id, sent_at, recipients) VALUES (@runId, @sentAt, @recipients)
            ON CONFLICT (run_id) DO UPDATE SET sent_at = excluded.sent_at, recipients = excluded.recipients
            """,
        LatestCompletedRun: "SELECT run_id, kind, started_at, finished_at, status, inventory_path, host_count, tool_version FROM runs WHERE status = 'Completed' ORDER BY started_at DESC LIMIT 1");

    private readonly string _path;
    private readonly string _connectionString;
    private readonly TimeProvider _time;
    private readonly TimeSpan _busyTimeout;

    /// <summary>A store in the file <paramref name="path"/> (created with its folder on first use).</summary>
    /// <param name="path">The database file.</param>
    /// <param name="time">The clock (when a schema script was applied).</param>
    public SqliteAuditStore(string path, TimeProvider time)
        : this(path, time, DefaultBusyTimeout)
    {
    }

    /// <summary>A store with its own wait for locks (tests).</summary>
    internal SqliteAuditStore(string path, TimeProvider time, TimeSpan busyTimeout)
    {
        _time = time;
        _busyTimeout = busyTimeout;
        _path = Path.GetFullPath(path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = (int)Math.Ceiling(busyTimeout.TotalSeconds),
        }.ToString();
    }

    /// <inheritdoc/>
    public override string Description => $"SQLite database {_path}";

    private protected override StoreQueries Queries => SqliteQueries;

    /// <inheritdoc/>
    public override IResultSink CreateSink(InventoryReadResult inventory) => new SqliteRunSink(this, inventory);

    /// <inheritdoc/>
    public override IResultSink CreateBatchSink(string runId) => new SqliteRunSink(this, inventory: null);

    private protected override LedgerStatements Ledger => LedgerStatements.Sqlite;

    private protected override object ToDatabase(DateTimeOffset value) => StoredText.Timestamp(value);

    private protected override StoreException Explain(DbException error, string what)
    {
        var code = error is SqliteException sqlite ? sqlite.SqliteErrorCode : 0;
        var advice = code switch
        {
            5 or 6 => $"it stayed locked by another process for {_busyTimeout.TotalSeconds:0} s; try again when the other scan has finished",
            8 => "it is read-only; check the file's permissions and that its file system is mounted writable",
            10 or 13 => "the disk failed or is full",
            11 or 26 => "it is corrupt or not a SQLite database; move it away (a new one is created) or restore a backup",
            14 => "it cannot be opened; check that the folder exists and is writable",
            _ => "see the SQLite message",
        };
        return new StoreException($"{Description}: cannot {what}: {advice} (SQLite error {code}: {error.Message})", error);
    }

    private protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreException($"{Description}: cannot create its folder: {e.Message}", e);
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

            // WAL: readers (history, the report) never wait for the writer. The busy time-out covers a second writer.
            // The busy time-out first: switching a new database to WAL may meet another process's lock.
            SqliteStatement.Execute(connection,
                $"PRAGMA busy_timeout = {(int)_busyTimeout.TotalMilliseconds}; PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;");
            return connection;
        }
        catch (SqliteException e)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw Explain(e, "open it");
        }
    }

    private protected override Task MigrateAsync(DbConnection connection, CancellationToken cancellationToken) => Guard(async () =>
    {
        // One write transaction (BEGIN IMMEDIATE) around reading the journal and applying what it lacks: two processes that
        // open a new database at the same moment (serve and a history command) apply each script once, one after the other.
        // Plain commands, not Dapper: a scan opens the store through here, and Dapper's first use costs a fresh process more
        // CPU than the schema check itself (BENCHMARKS.md, issue 9).
        var scripts = SchemaScripts.For(SchemaScripts.Sqlite);
        var sqlite = (SqliteConnection)connection;
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        SqliteStatement.Execute(sqlite, $"CREATE TABLE IF NOT EXISTS {JournalTable} (script TEXT NOT NULL PRIMARY KEY, applied_at TEXT NOT NULL)");
        var applied = new HashSet<string>(StringComparer.Ordinal);
        using (var journal = new SqliteStatement(sqlite, $"SELECT script FROM {JournalTable}"))
        {
            journal.ReadTexts(name => applied.Add(name));
        }

        RefuseNewerSchema(applied, scripts);
        foreach (var (name, text) in scripts.Where(s => !applied.Contains(s.Name)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            SqliteStatement.Execute(sqlite, text);
            using var record = new SqliteStatement(sqlite, $"INSERT INTO {JournalTable} (script, applied_at) VALUES ($name, $at)", "$name", "$at");
            record.Text(0, name).Text(1, StoredText.Timestamp(_time.GetUtcNow())).Run();
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }, "apply the schema");
}
