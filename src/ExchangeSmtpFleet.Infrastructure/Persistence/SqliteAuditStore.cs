using System.Collections.Immutable;
using Dapper;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Inventory;
using ExchangeSmtpFleet.Core.Storage;
using Microsoft.Data.Sqlite;

namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>
/// The embedded store (SPEC 6): one SQLite file, WAL journal (readers never wait for the nightly writer), a busy
/// time-out for the rare second writer. Reads with Dapper; the sink writes with prepared commands, one transaction per
/// batch (<see cref="SqliteRunSink"/>).
/// </summary>
public sealed class SqliteAuditStore : IAuditStore
{
    /// <summary>How long a statement waits for a lock held by another process before it fails.</summary>
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(30);

    private const string JournalTable = "schema_versions";
    private readonly string _path;
    private readonly string _connectionString;
    private readonly TimeProvider _time;
    private bool _migrated;

    /// <summary>A store in the file <paramref name="path"/> (created with its folder on first use).</summary>
    /// <param name="path">The database file.</param>
    /// <param name="time">The clock (when a schema script was applied).</param>
    public SqliteAuditStore(string path, TimeProvider time)
    {
        _time = time;
        _path = Path.GetFullPath(path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
        }.ToString();
    }

    /// <inheritdoc/>
    public string Description => $"SQLite database {_path}";

    /// <inheritdoc/>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await MigrateAsync(connection, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public IResultSink CreateSink(InventoryReadResult inventory) => new SqliteRunSink(this, inventory);

    /// <inheritdoc/>
    public Task<IReadOnlyList<StoredRun>> ListRunsAsync(int limit, CancellationToken cancellationToken) =>
        ReadAsync(async connection =>
        {
            var runs = (await connection.QueryAsync<RunRow>(new CommandDefinition(
                "SELECT run_id, kind, started_at, finished_at, status, inventory_path, host_count, tool_version FROM runs ORDER BY started_at DESC LIMIT @limit",
                new { limit }, cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
            return (IReadOnlyList<StoredRun>)[.. await WithCountsAsync(connection, runs, cancellationToken).ConfigureAwait(false)];
        }, cancellationToken);

    /// <inheritdoc/>
    public Task<StoredRun?> FindRunAsync(string runId, CancellationToken cancellationToken) =>
        ReadAsync(async connection =>
        {
            var sql = string.Equals(runId, "latest", StringComparison.OrdinalIgnoreCase)
                ? "SELECT run_id, kind, started_at, finished_at, status, inventory_path, host_count, tool_version FROM runs ORDER BY started_at DESC LIMIT 1"
                : "SELECT run_id, kind, started_at, finished_at, status, inventory_path, host_count, tool_version FROM runs WHERE run_id = @runId";
            var rows = (await connection.QueryAsync<RunRow>(new CommandDefinition(sql, new { runId }, cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
            return (await WithCountsAsync(connection, rows, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
        }, cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<HostHistoryEntry>> HistoryAsync(string hostKey, int limit, CancellationToken cancellationToken) =>
        ReadAsync(async connection =>
        {
            var rows = await connection.QueryAsync<HistoryRow>(new CommandDefinition(
                """
                SELECT r.run_id, runs.started_at, r.verdict, r.reason, r.missing
                FROM results r JOIN runs ON runs.run_id = r.run_id
                WHERE r.host_key = @hostKey
                ORDER BY runs.started_at DESC
                LIMIT @limit
                """, new { hostKey, limit }, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return (IReadOnlyList<HostHistoryEntry>)[.. rows.Select(r => new HostHistoryEntry(
                r.run_id, StoredText.ParseTimestamp(r.started_at), Enum.Parse<Verdict>(r.verdict), Enum.Parse<Reason>(r.reason), StoredText.ParseList(r.missing)))];
        }, cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<LackingHost>> LackingAsync(string runId, string keyword, CancellationToken cancellationToken) =>
        ReadAsync(async connection =>
        {
            var rows = await connection.QueryAsync<LackingRow>(new CommandDefinition(
                """
                SELECT r.host_key, h.name, r.verdict, r.family
                FROM results r JOIN run_hosts h ON h.run_id = r.run_id AND h.host_key = r.host_key
                WHERE r.run_id = @runId
                  AND EXISTS (SELECT 1 FROM keywords k WHERE k.run_id = r.run_id AND k.host_key = r.host_key AND k.phase = 'pre-tls')
                  AND NOT EXISTS (SELECT 1 FROM keywords k WHERE k.run_id = r.run_id AND k.host_key = r.host_key AND k.phase = 'pre-tls' AND k.name = @keyword)
                ORDER BY r.host_key
                """, new { runId, keyword = keyword.Trim().ToUpperInvariant() }, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return (IReadOnlyList<LackingHost>)[.. rows.Select(r => new LackingHost(r.host_key, r.name, Enum.Parse<Verdict>(r.verdict), r.family))];
        }, cancellationToken);

    /// <inheritdoc/>
    public Task<RunChanges> ChangesAsync(string runId, string? sinceRunId, CancellationToken cancellationToken) =>
        ReadAsync(async connection =>
        {
            sinceRunId ??= await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
                """
                SELECT run_id FROM runs
                WHERE started_at < (SELECT started_at FROM runs WHERE run_id = @runId)
                ORDER BY started_at DESC LIMIT 1
                """, new { runId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
            var after = await VerdictsAsync(connection, runId, cancellationToken).ConfigureAwait(false);
            var before = sinceRunId is null ? [] : await VerdictsAsync(connection, sinceRunId, cancellationToken).ConfigureAwait(false);
            var changes = after.Keys.Union(before.Keys, StringComparer.Ordinal)
                .Select(key =>
                {
                    var had = before.TryGetValue(key, out var b);
                    var has = after.TryGetValue(key, out var a);
                    return HostChange.Between(key, has ? a.Name : b.Name, had ? b.Verdict : null, has ? a.Verdict : null);
                })
                .OfType<HostChange>()
                .OrderBy(c => c.Kind)
                .ThenBy(c => c.HostKey, StringComparer.Ordinal)
                .ToImmutableArray();
            return new RunChanges(runId, sinceRunId, changes);
        }, cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<string>> HostsWithoutResultAsync(string runId, CancellationToken cancellationToken) =>
        ReadAsync(async connection => (IReadOnlyList<string>)[.. await connection.QueryAsync<string>(new CommandDefinition(
            """
            SELECT h.host_key FROM run_hosts h
            WHERE h.run_id = @runId AND NOT EXISTS (SELECT 1 FROM results r WHERE r.run_id = h.run_id AND r.host_key = h.host_key)
            ORDER BY h.line_number
            """, new { runId }, cancellationToken: cancellationToken)).ConfigureAwait(false)], cancellationToken);

    /// <inheritdoc/>
    public async Task<int> PruneTranscriptsAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = await OpenMigratedAsync(cancellationToken).ConfigureAwait(false);
        return await Guard(() => connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE results SET transcript = NULL
            WHERE transcript IS NOT NULL AND run_id IN (SELECT run_id FROM runs WHERE started_at < @before)
            """, new { before = StoredText.Timestamp(before) }, cancellationToken: cancellationToken)), "drop old transcripts").ConfigureAwait(false);
    }

    /// <summary>An open connection with the schema in place, for the sink.</summary>
    internal async Task<SqliteConnection> OpenMigratedAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_migrated)
            {
                await MigrateAsync(connection, cancellationToken).ConfigureAwait(false);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Runs <paramref name="action"/>, turning a database error into one line that names the database.</summary>
    internal async Task<T> Guard<T>(Func<Task<T>> action, string what)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (SqliteException e)
        {
            throw Explain(e, what);
        }
    }

    internal StoreException Explain(SqliteException e, string what)
    {
        var advice = e.SqliteErrorCode switch
        {
            5 or 6 => $"it stayed locked by another process for {BusyTimeout.TotalSeconds:0} s; try again when the other scan has finished",
            8 => "it is read-only; check the file's permissions",
            10 or 13 => "the disk failed or is full",
            11 or 26 => "it is corrupt or not a SQLite database; move it away (a new one is created) or restore a backup",
            14 => "it cannot be opened; check that the folder exists and is writable",
            _ => "see the SQLite message",
        };
        return new StoreException($"{Description}: cannot {what}: {advice} (SQLite error {e.SqliteErrorCode}: {e.Message})", e);
    }

    private async Task<T> ReadAsync<T>(Func<SqliteConnection, Task<T>> query, CancellationToken cancellationToken)
    {
        await using var connection = await OpenMigratedAsync(cancellationToken).ConfigureAwait(false);
        return await Guard(() => query(connection), "read").ConfigureAwait(false);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
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
            await connection.ExecuteAsync(new CommandDefinition(
                $"PRAGMA journal_mode = WAL; PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds}; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            return connection;
        }
        catch (SqliteException e)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw Explain(e, "open it");
        }
    }

    private async Task MigrateAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var scripts = SchemaScripts.For(SchemaScripts.Sqlite);
        await Guard(async () =>
        {
            var journal = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                $"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '{JournalTable}'", cancellationToken: cancellationToken)).ConfigureAwait(false);
            if (journal == 0)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    $"CREATE TABLE IF NOT EXISTS {JournalTable} (script TEXT NOT NULL PRIMARY KEY, applied_at TEXT NOT NULL)", cancellationToken: cancellationToken))
                    .ConfigureAwait(false);
            }

            var applied = (await connection.QueryAsync<string>(new CommandDefinition($"SELECT script FROM {JournalTable}", cancellationToken: cancellationToken))
                .ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
            var unknown = applied.Except(scripts.Select(s => s.Name), StringComparer.Ordinal).Order(StringComparer.Ordinal).FirstOrDefault();
            if (unknown is not null)
            {
                throw new StoreException(
                    $"{Description}: its schema is newer than this esfleet (script {unknown} is not known to version {typeof(SqliteAuditStore).Assembly.GetName().Version}): use the newer esfleet");
            }

            foreach (var (name, text) in scripts.Where(s => !applied.Contains(s.Name)))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await connection.ExecuteAsync(new CommandDefinition(text, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                await connection.ExecuteAsync(new CommandDefinition(
                    $"INSERT INTO {JournalTable} (script, applied_at) VALUES (@name, @at)",
                    new { name, at = StoredText.Timestamp(_time.GetUtcNow()) }, transaction, cancellationToken: cancellationToken))
                    .ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            return true;
        }, "apply the schema").ConfigureAwait(false);
        _migrated = true;
    }

    private static async Task<List<StoredRun>> WithCountsAsync(SqliteConnection connection, List<RunRow> runs, CancellationToken cancellationToken)
    {
        var result = new List<StoredRun>(runs.Count);
        foreach (var run in runs)
        {
            var counts = (await connection.QueryAsync<CountRow>(new CommandDefinition(
                "SELECT verdict, COUNT(*) AS hosts FROM results WHERE run_id = @run_id GROUP BY verdict", new { run.run_id }, cancellationToken: cancellationToken))
                .ConfigureAwait(false)).ToDictionary(c => Enum.Parse<Verdict>(c.verdict), c => (int)c.hosts);
            result.Add(new StoredRun(
                run.run_id, run.kind, StoredText.ParseTimestamp(run.started_at), run.finished_at is null ? null : StoredText.ParseTimestamp(run.finished_at),
                Enum.Parse<AuditRunStatus>(run.status), run.inventory_path, (int)run.host_count, run.tool_version,
                [.. Enum.GetValues<Verdict>().Select(v => KeyValuePair.Create(v, counts.GetValueOrDefault(v)))]));
        }

        return result;
    }

    private static async Task<Dictionary<string, (Verdict Verdict, string? Name)>> VerdictsAsync(
        SqliteConnection connection, string runId, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<VerdictRow>(new CommandDefinition(
            """
            SELECT r.host_key, h.name, r.verdict
            FROM results r JOIN run_hosts h ON h.run_id = r.run_id AND h.host_key = r.host_key
            WHERE r.run_id = @runId
            """, new { runId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.ToDictionary(r => r.host_key, r => (Enum.Parse<Verdict>(r.verdict), r.name), StringComparer.Ordinal);
    }

#pragma warning disable IDE1006, SA1300 // Dapper maps columns onto these names as they are in the schema.
    private sealed record RunRow(string run_id, string kind, string started_at, string? finished_at, string status, string inventory_path, long host_count, string tool_version);

    private sealed record CountRow(string verdict, long hosts);

    private sealed record HistoryRow(string run_id, string started_at, string verdict, string reason, string missing);

    private sealed record LackingRow(string host_key, string? name, string verdict, string family);

    private sealed record VerdictRow(string host_key, string? name, string verdict);
#pragma warning restore IDE1006, SA1300
}
