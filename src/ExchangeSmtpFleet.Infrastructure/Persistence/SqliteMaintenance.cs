using System.Globalization;
using Dapper;
using ExchangeSmtpFleet.Core.Storage;
using Microsoft.Data.Sqlite;

namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>The care of a SQLite database (<see cref="IStoreMaintenance"/>): its schema and what is kept how long.</summary>
internal sealed class SqliteMaintenance(SqliteDatabase db) : IStoreMaintenance
{
    public string Description => db.Description;

    public Task MigrateAsync(CancellationToken cancellationToken) => db.MigrateAsync(cancellationToken);

    /// <remarks>The file (is it there, is it one), opening it without creating it, SQLite's version, WAL, a quick integrity check, the schema.</remarks>
    public async Task<IReadOnlyList<StoreCheck>> CheckAsync(CancellationToken cancellationToken)
    {
        var checks = new List<StoreCheck>();
        var file = new FileInfo(db.FilePath);
        if (!file.Exists)
        {
            checks.Add(Directory.Exists(db.FilePath)
                ? new StoreCheck("file", CheckOutcome.Fail, $"{db.FilePath} is a directory, not a database file: name a file with --db or Database:Path")
                : new StoreCheck("file", CheckOutcome.Warn, $"{db.FilePath} does not exist yet: the first scan, audit or serve creates it (or esfleet db migrate)"));
            return checks;
        }

        checks.Add(new StoreCheck("file", CheckOutcome.Pass, string.Create(CultureInfo.InvariantCulture, $"{db.FilePath}, {file.Length / 1048576.0:0.0} MiB")));
        try
        {
            await using var connection = await db.OpenAsItIsAsync(cancellationToken).ConfigureAwait(false);
            checks.Add(new StoreCheck("open", CheckOutcome.Pass, "opened for reading and writing"));
            var version = Scalar(connection, "SELECT sqlite_version()");
            checks.Add(new StoreCheck("sqlite", CheckOutcome.Pass, $"SQLite {version}"));
            var mode = Scalar(connection, "PRAGMA journal_mode");
            checks.Add(string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase)
                ? new StoreCheck("journal mode", CheckOutcome.Pass, "WAL: reports and history read while a scan writes")
                : new StoreCheck("journal mode", CheckOutcome.Warn, $"{mode}: readers wait for the writer; esfleet switches it to WAL when it writes"));
            var integrity = Scalar(connection, "PRAGMA quick_check");
            checks.Add(string.Equals(integrity, "ok", StringComparison.Ordinal)
                ? new StoreCheck("integrity", CheckOutcome.Pass, "quick_check ok")
                : new StoreCheck("integrity", CheckOutcome.Fail, $"quick_check: {integrity}; restore a backup or move the file away (a new one is created)"));
            checks.Add(await db.SchemaCheckAsync(connection, cancellationToken).ConfigureAwait(false));
        }
        catch (StoreException e)
        {
            checks.Add(new StoreCheck("open", CheckOutcome.Fail, e.Message));
        }
        catch (SqliteException e)
        {
            checks.Add(new StoreCheck("open", CheckOutcome.Fail, db.Explain(e, "read it").Message));
        }

        return checks;
    }

    private static string Scalar(SqliteConnection connection, string sql)
    {
        using var statement = new SqliteStatement(connection, sql);
        var value = string.Empty;
        statement.ReadTexts(text => value = value.Length == 0 ? text : value);
        return value;
    }

    public Task<int> PruneTranscriptsAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        db.WriteAsync((c, t) => c.ExecuteAsync(new CommandDefinition(
            """
            UPDATE results SET transcript = NULL
            WHERE transcript IS NOT NULL AND run_id IN (SELECT run_id FROM runs WHERE started_at < @before)
            """, new { before = db.ToDatabase(before) }, t, cancellationToken: cancellationToken)), "drop old transcripts", cancellationToken);

    /// <remarks>
    /// The per-host keyword sets of runs upgraded to schema 5 (<c>m:</c> ids) go with their runs; content-addressed sets
    /// (<c>k:</c>) are shared by every run and stay. Steps and the mail record go by ON DELETE CASCADE.
    /// </remarks>
    public Task<int> PruneRunsAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            var cutOff = new { before = db.ToDatabase(before) };
            var runs = await c.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT COUNT(*) FROM runs WHERE started_at < @before", cutOff, t, cancellationToken: cancellationToken)).ConfigureAwait(false);
            await c.ExecuteAsync(new CommandDefinition(
                """
                DELETE FROM keyword_sets WHERE set_id IN (
                    SELECT keywords_pre_tls FROM results WHERE keywords_pre_tls LIKE 'm:%' AND run_id IN (SELECT run_id FROM runs WHERE started_at < @before)
                    UNION ALL
                    SELECT keywords_post_tls FROM results WHERE keywords_post_tls LIKE 'm:%' AND run_id IN (SELECT run_id FROM runs WHERE started_at < @before));
                DELETE FROM findings WHERE run_id IN (SELECT run_id FROM runs WHERE started_at < @before);
                DELETE FROM results WHERE run_id IN (SELECT run_id FROM runs WHERE started_at < @before);
                DELETE FROM run_hosts WHERE run_id IN (SELECT run_id FROM runs WHERE started_at < @before);
                DELETE FROM inventory_problems WHERE run_id IN (SELECT run_id FROM runs WHERE started_at < @before);
                DELETE FROM runs WHERE started_at < @before;
                """, cutOff, t, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return (int)runs;
        }, "delete old runs", cancellationToken);
}
