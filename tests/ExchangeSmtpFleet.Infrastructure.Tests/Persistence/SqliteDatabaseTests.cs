using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Infrastructure.Persistence;
using Microsoft.Data.Sqlite;
using static ExchangeSmtpFleet.Infrastructure.Tests.Persistence.Outcomes;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Persistence;

/// <summary>What only the SQLite dialect has: a file that opens or does not, WAL readers beside a writer, upgrades of old files, keyword sets on disk.</summary>
public sealed class SqliteDatabaseTests
{
    private static string NewPath() => SqliteStorages.NewPath();

    [Fact]
    public async Task Open_FileThatIsNotADatabase_IsOneLineNamingItAndWhatToDo()
    {
        var path = NewPath();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, new string('x', 4096), TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<StoreException>(() => SqliteStorages.At(path).History.ListRunsAsync(5, TestContext.Current.CancellationToken));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("corrupt or not a SQLite database", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_SchemaOfANewerEsfleet_IsRefused()
    {
        var path = NewPath();
        var store = SqliteStorages.At(path);
        await store.Maintenance.MigrateAsync(TestContext.Current.CancellationToken);
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO schema_versions (script, applied_at) VALUES ('9999_from_the_future.sql', '2030-01-01T00:00:00.0000000Z')";
            await insert.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        var error = await Assert.ThrowsAsync<StoreException>(() => SqliteStorages.At(path).History.ListRunsAsync(5, TestContext.Current.CancellationToken));

        Assert.Contains("schema is newer than this esfleet", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Issue 18, item 17: a reading command never creates a database (a typo in --db is said, not a new empty file).</summary>
    [Fact]
    public async Task Reading_ADatabaseThatDoesNotExist_IsOneLineNamingIt_AndCreatesNothing()
    {
        var path = NewPath();

        var error = await Assert.ThrowsAsync<StoreException>(() => SqliteStorages.At(path).History.ListRunsAsync(5, TestContext.Current.CancellationToken));

        Assert.Equal($"SQLite database {path}: there is no database there; check --db (a scan, an audit or serve creates it, or esfleet db migrate)", error.Message);
        Assert.False(File.Exists(path));
    }

    /// <summary>Issue 18, item 17: a FIFO or a directory given as the database is said to be one, not a failing disk.</summary>
    [Fact]
    public async Task Open_AFifoOrADirectory_IsSaidToBeOne()
    {
        var directory = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"esf-db-dir-{Guid.NewGuid():N}")).FullName;
        var fifo = Path.Combine(Path.GetTempPath(), $"esf-db-fifo-{Guid.NewGuid():N}.db");
        var made = System.Diagnostics.Process.Start("mkfifo", fifo);
        await made.WaitForExitAsync(TestContext.Current.CancellationToken);

        var onDirectory = await Assert.ThrowsAsync<StoreException>(() => SqliteStorages.At(directory).Maintenance.MigrateAsync(TestContext.Current.CancellationToken));
        var onFifo = await Assert.ThrowsAsync<StoreException>(() => SqliteStorages.At(fifo).History.ListRunsAsync(5, TestContext.Current.CancellationToken));

        Assert.Equal($"SQLite database {directory}: is a directory, not a regular file; name a database file with --db or Database:Path", onDirectory.Message);
        Assert.Equal($"SQLite database {fifo}: is a FIFO (named pipe), not a regular file; name a database file with --db or Database:Path", onFifo.Message);
    }

    /// <summary>Issue 18, item 12: a reader checks the schema without a write transaction, so it reads while a writer holds the lock.</summary>
    [Fact]
    public async Task Reading_WhileAnotherProcessHoldsTheWriteLock_DoesNotWait()
    {
        var path = NewPath();
        await StoreRunAsync(SqliteStorages.At(path), "scan-1", Night, [Verdict.Healthy]);
        await using var other = new SqliteConnection($"Data Source={path};Pooling=False");
        await other.OpenAsync(TestContext.Current.CancellationToken);
        await Execute(other, "BEGIN IMMEDIATE; UPDATE runs SET tool_version = 'held' WHERE run_id = 'scan-1';");

        var runs = await SqliteStorages.At(path, TimeSpan.FromSeconds(1)).History.ListRunsAsync(5, TestContext.Current.CancellationToken);

        Assert.Equal("scan-1", Assert.Single(runs).RunId);
        await Execute(other, "ROLLBACK;");
    }

    [Fact]
    public async Task Open_FolderThatCannotBeCreated_SaysSo()
    {
        var blocker = Path.Combine(Path.GetTempPath(), $"esf-not-a-folder-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(blocker, "a file where the folder should be", TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<StoreException>(
            () => SqliteStorages.At(Path.Combine(blocker, "esfleet.db")).Maintenance.MigrateAsync(TestContext.Current.CancellationToken));

        Assert.Contains("cannot create its folder", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Readers_SeeConsistentRunsWhileAScanWrites()
    {
        var path = NewPath();
        var writer = SqliteStorages.At(path);
        var reader = SqliteStorages.At(path);
        await StoreRunAsync(writer, "scan-1", Night, [.. Enumerable.Repeat(Verdict.Healthy, 200)]);

        var writing = StoreRunAsync(writer, "scan-2", Night.AddDays(1), [.. Enumerable.Repeat(Verdict.MissingSinks, 2000)], batches: 20);
        while (!writing.IsCompleted)
        {
            // Every read sees whole batches: a run's results are never more than its hosts, never half a host.
            foreach (var run in await reader.History.ListRunsAsync(5, TestContext.Current.CancellationToken))
            {
                Assert.InRange(run.Results, 0, run.HostCount);
            }
        }

        await writing;
        Assert.Equal(2000, (await reader.History.FindRunAsync("scan-2", TestContext.Current.CancellationToken))!.Results);
    }

    [Fact]
    public async Task Write_DatabaseLockedByAnotherWriter_IsOneLineSayingSo()
    {
        var path = NewPath();
        var store = SqliteStorages.At(path, TimeSpan.FromSeconds(1));
        await store.Maintenance.MigrateAsync(TestContext.Current.CancellationToken);
        await using var other = new SqliteConnection($"Data Source={path};Pooling=False");
        await other.OpenAsync(TestContext.Current.CancellationToken);
        await Execute(other, "BEGIN IMMEDIATE; INSERT INTO runs (run_id, kind, started_at, finished_at, status, inventory_path, inventory_hash, host_count, problem_count, disabled_count, concurrency, probe_options, tool_version) VALUES ('scan-other', 'scan', 'x', NULL, 'Running', 'i', NULL, 0, 0, 0, 1, '{}', 't');");

        var error = await Assert.ThrowsAsync<StoreException>(() => StoreRunAsync(store, "scan-1", Night, [Verdict.Healthy]));

        Assert.Contains("stayed locked by another process for 1 s", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A database of schema version 1 (before verdict streaks and keyword sets) upgrades in place and keeps every row: its
    /// keyword rows become sets of their own, still found by <c>lacking</c> and the <c>keywords</c> view, and deleted with their run.
    /// </summary>
    [Fact]
    public async Task Migrate_SchemaVersion1_UpgradesWithoutLosingRows()
    {
        var path = NewPath();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            var version1 = SchemaScripts.For(SchemaScripts.Sqlite).Single(s => s.Name.StartsWith("0001", StringComparison.Ordinal));
            await Execute(connection, version1.Text);
            await Execute(connection, $$"""
                CREATE TABLE schema_versions (script TEXT NOT NULL PRIMARY KEY, applied_at TEXT NOT NULL);
                INSERT INTO schema_versions VALUES ('{{version1.Name}}', '2026-01-01T00:00:00.0000000Z');
                INSERT INTO runs VALUES ('scan-old', 'scan', '2026-01-01T02:00:00.0000000Z', '2026-01-01T02:05:00.0000000Z', 'Completed',
                                         'inv.csv', NULL, 1, 0, 0, 64, '{}', '0.1.0');
                INSERT INTO run_hosts VALUES ('scan-old', 'exch01.corp.example:25', 'exch01.corp.example', 25, 'EXCH01', NULL, NULL, 'exchange-2003', '[]', 2);
                INSERT INTO results (run_id, host_key, verdict, reason, family, family_evidence, missing, unexpected, attempts, total_ms, probed_at)
                VALUES ('scan-old', 'exch01.corp.example:25', 'MissingSinks', 'ExchangeKeywordsAbsent', 'microsoft-iis', '', '["XEXCH50"]', '[]', 1, 5,
                        '2026-01-01T02:00:01.0000000Z');
                INSERT INTO keywords VALUES ('scan-old', 'exch01.corp.example:25', 'pre-tls', 0, 'SIZE', '5242880'),
                                            ('scan-old', 'exch01.corp.example:25', 'pre-tls', 1, 'X-EXPS', 'GSSAPI NTLM'),
                                            ('scan-old', 'exch01.corp.example:25', 'post-tls', 0, 'AUTH', 'LOGIN');
                """);
        }

        var store = SqliteStorages.At(path);
        await store.Maintenance.MigrateAsync(TestContext.Current.CancellationToken);
        await StoreRunAsync(store, "scan-new", Night, [Verdict.MissingSinks]);

        var history = await store.History.HistoryAsync("exch01.corp.example:25", 10, TestContext.Current.CancellationToken);
        Assert.Equal(["scan-new", "scan-old"], history.Select(h => h.RunId));
        var latest = new List<StoredResult>();
        await foreach (var result in store.History.ReadResultsAsync("scan-new", TestContext.Current.CancellationToken))
        {
            latest.Add(result);
        }

        // The old row got its run's start in the upgrade, so the new run sees the streak that began then.
        Assert.Equal(Verdict.MissingSinks, Assert.Single(latest).PreviousVerdict);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 2, 0, 0, TimeSpan.Zero), latest[0].VerdictSince);

        var lacking = await store.History.LackingAsync("scan-old", "xexch50", TestContext.Current.CancellationToken);
        Assert.Equal("exch01.corp.example:25", Assert.Single(lacking).HostKey);
        Assert.Empty(await store.History.LackingAsync("scan-old", "X-EXPS", TestContext.Current.CancellationToken));
        Assert.Equal(
            ["pre-tls 0 SIZE 5242880", "pre-tls 1 X-EXPS GSSAPI NTLM", "post-tls 0 AUTH LOGIN"],
            await Texts(path, "SELECT phase || ' ' || position || ' ' || name || ' ' || parameters FROM keywords WHERE run_id = 'scan-old' ORDER BY phase DESC, position"));

        Assert.Equal(1, await store.Maintenance.PruneRunsAsync(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero), TestContext.Current.CancellationToken));
        Assert.Equal(["0"], await Texts(path, "SELECT COUNT(*) FROM keyword_sets WHERE set_id LIKE 'm:%'"));
    }

    /// <summary>The same keyword list of many hosts, runs and batches is one keyword set; the view still shows every host's rows.</summary>
    [Fact]
    public async Task KeywordSets_SameListOfManyHostsAndRuns_IsStoredOnce()
    {
        var path = NewPath();
        var store = SqliteStorages.At(path);
        await StoreRunAsync(store, "scan-1", Night, [Verdict.Healthy, Verdict.Healthy, Verdict.MissingSinks, Verdict.Unreachable], batches: 2);
        await StoreRunAsync(store, "scan-2", Night.AddDays(1), [Verdict.Healthy, Verdict.MissingSinks, Verdict.MissingSinks, Verdict.Healthy], batches: 4);

        // Two lists (with and without the Exchange keywords): 16 + 12 rows, not one row per keyword of each of 7 answering hosts.
        Assert.Equal(["2", "28"], await Texts(path, "SELECT COUNT(DISTINCT set_id) FROM keyword_sets UNION ALL SELECT COUNT(*) FROM keyword_sets"));
        Assert.Equal(["16", "16", "12"], await Texts(path, "SELECT COUNT(*) FROM keywords WHERE run_id = 'scan-1' AND phase = 'pre-tls' GROUP BY host_key ORDER BY host_key"));
        Assert.Equal(["7"], await Texts(path, "SELECT COUNT(DISTINCT run_id || host_key) FROM keywords"));
    }

    private static async Task<List<string>> Texts(string path, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        var texts = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            texts.Add(Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!);
        }

        return texts;
    }

    /// <summary>
    /// The sink's own BEGIN/COMMIT: a batch that fails on its second host (NOT NULL) is rolled back whole, and the sink's
    /// next batch starts a transaction of its own. (SQL Server's bulk copy refuses such a row before the server sees it.)
    /// </summary>
    [Fact]
    public async Task Write_ABatchThatFailsHalfway_LeavesNothingOfIt_AndTheNextBatchIsWritten()
    {
        var store = SqliteStorages.New();
        var inventory = Fleet(3);
        var run = Run("scan-atomic", Night, 3);
        var good = inventory.Hosts.Select(h => Outcome(h, Verdict.Healthy, Night)).ToList();
        var broken = good[1] with { Classification = good[1].Classification with { Family = null! } };
        var sink = await BeginAsync(store, run, inventory);
        try
        {

            await Assert.ThrowsAsync<StoreException>(() => sink.WriteAsync([good[0], broken, good[2]], TestContext.Current.CancellationToken));
            Assert.Equal(3, (await store.History.HostsWithoutResultAsync("scan-atomic", TestContext.Current.CancellationToken)).Count);

            await sink.WriteAsync(good, TestContext.Current.CancellationToken);
        }
        finally
        {
            await sink.DisposeAsync();
        }

        Assert.Empty(await store.History.HostsWithoutResultAsync("scan-atomic", TestContext.Current.CancellationToken));
        Assert.Equal(3, (await store.History.FindRunAsync("scan-atomic", TestContext.Current.CancellationToken))!.Results);
    }

    private static async Task Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }
}
