using System.Globalization;
using System.Text.Json;

namespace ExchangeSmtpFleet.Tests.Cli;

/// <summary>Issue 9 end to end: two scans of a simulated fleet, stored, then read back by runs, history, lacking and changes.</summary>
public sealed class HistoryCommandTests
{
    private static int _block;

    [Fact]
    public async Task TwoScans_AreListedAndReadBackByHistoryLackingAndChanges()
    {
        var block = Interlocked.Increment(ref _block);
        var db = Path.Combine(CliRunner.DataDirectory, $"history-{block}.db");
        var inventory = CliRunner.TempFile(string.Concat(Enumerable.Range(1, 3).Select(i =>
            string.Create(CultureInfo.InvariantCulture, $"127.44.{block}.{i},2525,EXCH0{i}\n"))).Insert(0, "Host,Port,Name\n"));

        await using (await SimulatedHosts.AtAsync($"127.44.{block}", "ex2003-healthy-real.txt", "ex2003-healthy-real.txt", "seed-example-2-missing-sinks.txt"))
        {
            var first = await CliRunner.RunAsync("scan", "--inventory", inventory, "--db", db, "--no-tls");
            Assert.Equal(1, first.ExitCode);
            Assert.Contains("stored as run scan-", first.Output, StringComparison.Ordinal);
        }

        // The night after: host 1 lost its sinks, host 3 recovered.
        await using (await SimulatedHosts.AtAsync($"127.44.{block}", "seed-example-2-missing-sinks.txt", "ex2003-healthy-real.txt", "ex2003-healthy-real.txt"))
        {
            Assert.Equal(1, (await CliRunner.RunAsync("scan", "--inventory", inventory, "--db", db, "--no-tls")).ExitCode);
        }

        var runs = await CliRunner.RunAsync("runs", "--db", db, "--json");
        var runIds = runs.Output.Trim().Split('\n').Select(l => JsonDocument.Parse(l).RootElement.GetProperty("runId").GetString()).ToList();
        Assert.Equal(2, runIds.Count);

        var history = await CliRunner.RunAsync("history", $"127.44.{block}.1:2525", "--db", db);
        Assert.Equal(0, history.ExitCode);
        var lines = history.Output.Trim().Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("Run ", lines[0], StringComparison.Ordinal);
        Assert.Contains("MissingSinks", lines[1], StringComparison.Ordinal);
        Assert.Contains("Healthy", lines[2], StringComparison.Ordinal);

        // The inventory's name finds the host too.
        var byName = await CliRunner.RunAsync("history", "exch01", "--db", db);
        Assert.Equal(history.Output, byName.Output);
        Assert.Contains($"exch01 is the inventory name of 127.44.{block}.1:2525", byName.Error, StringComparison.Ordinal);

        var lacking = await CliRunner.RunAsync("lacking", "XEXCH50", "--db", db, "--json");
        Assert.Equal(1, lacking.ExitCode);
        Assert.Equal([$"127.44.{block}.1:2525"], lacking.Output.Trim().Split('\n').Select(l => JsonDocument.Parse(l).RootElement.GetProperty("host").GetString()));

        var text = await CliRunner.RunAsync("changes", "--db", db);
        Assert.Equal(["Change", "New problem", "Recovered"], text.Output.Trim().Split('\n').Select(l => l.Split("  ")[0]));
        Assert.EndsWith("(the latest completed run before it): 1 new problem, 1 recovered", text.Error.Trim(), StringComparison.Ordinal);

        var changes = await CliRunner.RunAsync("changes", "--db", db, "--json");
        Assert.Equal(1, changes.ExitCode);
        var moves = changes.Output.Trim().Split('\n').Select(l => JsonDocument.Parse(l).RootElement)
            .Select(e => (e.GetProperty("host").GetString(), e.GetProperty("change").GetString())).ToList();
        Assert.Equal([($"127.44.{block}.1:2525", "NewProblem"), ($"127.44.{block}.3:2525", "Recovered")], moves);

        var earlier = await CliRunner.RunAsync("lacking", "XEXCH50", "--db", db, "--run", runIds[1]!);
        Assert.Contains($"127.44.{block}.3:2525", earlier.Output, StringComparison.Ordinal);

        // The workbook of the latest run, in German, where --out says; the path is the only output.
        var workbook = Path.Combine(CliRunner.DataDirectory, $"bericht-{block}.xlsx");
        var report = await CliRunner.RunAsync("report", "--db", db, "--lang", "de", "--out", workbook);
        Assert.Equal(0, report.ExitCode);
        Assert.Equal(workbook, report.Output.Trim());
        using var opened = new ClosedXML.Excel.XLWorkbook(workbook);
        Assert.Equal([$"127.44.{block}.1:2525"], opened.Worksheet("Fehlende Senken").RowsUsed().Skip(1).Select(r => r.Cell(1).GetString()));
    }

    [Fact]
    public async Task Report_NoRunStored_SaysSoAndExits2()
    {
        var db = Path.Combine(CliRunner.DataDirectory, $"empty-{Guid.NewGuid():N}.db");
        Assert.Equal(0, (await CliRunner.RunAsync("db", "migrate", "--db", db)).ExitCode);

        var run = await CliRunner.RunAsync("report", "--db", db);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("esfleet report: no run is stored in SQLite database", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Runs_DatabaseThatIsNoDatabase_IsOneLineAndExit2()
    {
        var notADatabase = CliRunner.TempFile(new string('x', 5000), ".db");

        var run = await CliRunner.RunAsync("runs", "--db", notADatabase);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"esfleet runs: SQLite database {notADatabase}: cannot", run.Error, StringComparison.Ordinal);
        Assert.Contains("corrupt or not a SQLite database", run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.Trim().Split('\n'));
    }

    /// <summary>Issue 9, item 8: a database that cannot be used costs the scan nothing it found.</summary>
    [Fact]
    public async Task Scan_DatabaseThatIsNoDatabase_ProbesEveryHostAndSaysTheRunWasNotStored()
    {
        var notADatabase = CliRunner.TempFile(new string('x', 5000), ".db");
        await using var simulator = await SimulatedHosts.StartAsync(("ex2003-healthy-real.txt", "none"));
        var endpoint = simulator.Endpoints[0].EndPoint;
        var inventory = CliRunner.TempFile(string.Create(CultureInfo.InvariantCulture, $"Host,Port\n{endpoint.Address},{endpoint.Port}\n"));

        var json = Path.ChangeExtension(inventory, ".jsonl");

        var run = await CliRunner.RunAsync("scan", "--inventory", inventory, "--db", notADatabase, "--no-tls", "--json", json);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"the run was not stored: SQLite database {notADatabase}", run.Error, StringComparison.Ordinal);
        Assert.Single(await File.ReadAllLinesAsync(json, TestContext.Current.CancellationToken));
        Assert.Matches(@"Healthy\s+1", run.Output);
    }

    /// <summary>
    /// Issue 9, item 8: a database on a read-only file system (a bind mount remounted read-only in a mount namespace of
    /// the child process; root ignores file modes). Skipped where unshare --mount is not allowed.
    /// </summary>
    [Fact]
    public async Task Scan_DatabaseOnAReadOnlyFileSystem_ProbesEveryHost_SaysTheRunWasNotStored_PruneExits2()
    {
        var folder = Directory.CreateDirectory(Path.Combine(CliRunner.DataDirectory, $"readonly-{Guid.NewGuid():N}")).FullName;
        var db = Path.Combine(folder, "esfleet.db");
        Assert.Equal(0, (await CliRunner.RunAsync("db", "migrate", "--db", db)).ExitCode);
        var probe = await CliRunner.RunInChildAsync($"unshare --mount sh -c 'mount --bind {folder} {folder} && mount -o remount,ro,bind {folder}'");
        Assert.SkipWhen(probe.ExitCode != 0, $"a read-only bind mount is not allowed here: {probe.Error.Trim()}");
        await using var simulator = await SimulatedHosts.StartAsync(("ex2003-healthy-real.txt", "none"));
        var endpoint = simulator.Endpoints[0].EndPoint;
        var inventory = CliRunner.TempFile(string.Create(CultureInfo.InvariantCulture, $"Host,Port\n{endpoint.Address},{endpoint.Port}\n"));
        var json = Path.ChangeExtension(inventory, ".jsonl");

        var run = await CliRunner.RunInChildAsync(
            $"unshare --mount sh -c 'mount --bind {folder} {folder} && mount -o remount,ro,bind {folder} && $ESFLEET scan --inventory {inventory} --db {db} --no-tls --json {json}; echo \"scan $?\" >&2; $ESFLEET db prune --db {db}; echo \"prune $?\" >&2'");

        var lines = run.Error.Trim().Split('\n');
        Assert.Contains("scan 2", lines);
        Assert.Contains("prune 2", lines);
        Assert.Matches(@"Healthy\s+1", run.Output);
        Assert.Single(await File.ReadAllLinesAsync(json, TestContext.Current.CancellationToken));
        Assert.Contains(lines, l => l.StartsWith($"esfleet scan: the run was not stored: SQLite database {db}: cannot store the run: it is read-only", StringComparison.Ordinal)
            && l.EndsWith($"every host was probed and is in {json}", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"esfleet db prune: SQLite database {db}: cannot drop old transcripts: it is read-only", StringComparison.Ordinal));
        Assert.Equal(4, lines.Length);
    }

    [Fact]
    public async Task Runs_SqlServerThatCannotBeReached_IsOneLineWithoutThePassword()
    {
        var run = await CliRunner.RunAsync("runs", "--provider", "sqlserver", "--db",
            "Server=127.0.0.1,1;Database=fleet;User Id=esf;Password=Secr3t!word;Connect Timeout=2;TrustServerCertificate=true");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("esfleet runs: SQL Server database fleet on 127.0.0.1,1: cannot connect: the server cannot be reached", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Secr3t", run.Output + run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.Trim().Split('\n'));
    }

    [Fact]
    public async Task History_UnknownHost_SaysSoAndExits1()
    {
        var db = Path.Combine(CliRunner.DataDirectory, $"empty-{Guid.NewGuid():N}.db");
        Assert.Equal(0, (await CliRunner.RunAsync("db", "migrate", "--db", db)).ExitCode);

        var run = await CliRunner.RunAsync("history", "nowhere.example", "--db", db);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("nowhere.example:25 has no stored result", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sqlserver", "IF OBJECT_ID(N'dbo.runs') IS NULL", "INSERT INTO dbo.schema_versions (script, applied_at) VALUES (N'0005_keyword_sets.sql', SYSUTCDATETIME());")]
    [InlineData("sqlite", "CREATE TABLE IF NOT EXISTS runs", "INSERT OR IGNORE INTO schema_versions (script, applied_at) VALUES ('0005_keyword_sets.sql',")]
    public async Task DbScript_PrintsTheSchemaOfTheDialect_WithItsJournal(string provider, string expected, string journal)
    {
        var run = await CliRunner.RunAsync("db", "script", "--provider", provider);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("-- esfleet schema script 0001_initial.sql", run.Output, StringComparison.Ordinal);
        Assert.Contains(expected, run.Output, StringComparison.Ordinal);
        Assert.Contains(journal, run.Output, StringComparison.Ordinal);
    }

    /// <summary>Issue 21, items 4 and 5: the DBA's script carries Hangfire's schema too, so serve runs without DDL rights.</summary>
    [Fact]
    public async Task DbScript_SqlServer_EndsWithHangfiresSchema()
    {
        var run = await CliRunner.RunAsync("db", "script", "--provider", "sqlserver");

        var esfleet = run.Output.IndexOf("sp_releaseapplock", StringComparison.Ordinal);
        var hangfire = run.Output.IndexOf("-- Hangfire's job storage: the schema HangFire", StringComparison.Ordinal);
        Assert.True(esfleet > 0 && hangfire > esfleet, run.Output[..Math.Min(run.Output.Length, 400)]);
        Assert.Contains("SET @TARGET_SCHEMA_VERSION = 9;", run.Output[hangfire..], StringComparison.Ordinal);
        Assert.EndsWith("GO", run.Output.TrimEnd(), StringComparison.Ordinal);
    }

    /// <summary>Issue 21, item 13: the preflight of an embedded database, one line per check, the worst outcome as exit code.</summary>
    [Fact]
    public async Task DbCheck_Sqlite_MigratedPasses_MissingWarns_NotADatabaseFails()
    {
        var db = Path.Combine(CliRunner.DataDirectory, $"check-{Guid.NewGuid():N}.db");

        var missing = await CliRunner.RunAsync("db", "check", "--db", db);
        Assert.False(File.Exists(db));
        Assert.Equal(0, (await CliRunner.RunAsync("db", "migrate", "--db", db)).ExitCode);
        var migrated = await CliRunner.RunAsync("db", "check", "--db", db);
        var garbage = CliRunner.TempFile(new string('x', 4096), ".db");
        var broken = await CliRunner.RunAsync("db", "check", "--db", garbage);

        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("WARN  file", missing.Output, StringComparison.Ordinal);
        Assert.Equal(0, migrated.ExitCode);
        Assert.Equal(["file", "open", "sqlite", "journal", "integrity", "schema"],
            migrated.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]));
        Assert.Equal(2, broken.ExitCode);
        Assert.Contains("FAIL", broken.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DbCheck_SqlServerThatCannotBeReached_IsOneFailedLine_Exit2_WithoutThePassword()
    {
        var run = await CliRunner.RunAsync("db", "check", "--provider", "sqlserver", "--db",
            "Server=127.0.0.1,1;Database=fleet;User Id=esf;Password=Secr3t!word;Connect Timeout=2;TrustServerCertificate=true");

        Assert.Equal(2, run.ExitCode);
        var lines = run.Output.Trim().Split('\n');
        Assert.Equal("SQL Server database fleet on 127.0.0.1,1", lines[0]);
        Assert.StartsWith("  FAIL  connect", lines[1], StringComparison.Ordinal);
        Assert.Contains("the server cannot be reached", lines[1], StringComparison.Ordinal);
        Assert.Equal(2, lines.Length);
        Assert.DoesNotContain("Secr3t", run.Output + run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DbMigrate_Twice_SaysUpToDate()
    {
        var db = Path.Combine(CliRunner.DataDirectory, $"migrate-{Guid.NewGuid():N}.db");

        var first = await CliRunner.RunAsync("db", "migrate", "--db", db);
        var second = await CliRunner.RunAsync("db", "migrate", "--db", db);

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("schema up to date", second.Output, StringComparison.Ordinal);
    }

    /// <summary>Issue 20: lacking marks the hosts that skip the keyword on purpose (IgnoreVerbs) and warns about a keyword no profile knows.</summary>
    [Fact]
    public async Task Lacking_MarksHostsThatSkipTheKeywordOnPurpose_AndWarnsAboutAnUnknownKeyword()
    {
        var block = Interlocked.Increment(ref _block);
        var db = Path.Combine(CliRunner.DataDirectory, $"lacking-{block}.db");
        var inventory = CliRunner.TempFile(string.Create(CultureInfo.InvariantCulture,
            $"Host,Port,Name,IgnoreVerbs\n127.44.{block}.1,2525,EXCH01,XEXCH50\n127.44.{block}.2,2525,EXCH02,\n"));
        await using (await SimulatedHosts.AtAsync($"127.44.{block}", "lab-ex2003-no-xexch50.txt", "ex2003-healthy-real.txt"))
        {
            Assert.Equal(0, (await CliRunner.RunAsync("scan", "--inventory", inventory, "--db", db, "--no-tls")).ExitCode);
        }

        var lacking = await CliRunner.RunAsync("lacking", "xexch50", "--db", db);
        var unknown = await CliRunner.RunAsync("lacking", "X-FOO", "--db", db);
        var empty = await CliRunner.RunAsync("lacking", " ", "--db", db);

        Assert.Equal(0, lacking.ExitCode);
        Assert.Contains("skipped on purpose (inventory IgnoreVerbs)", Assert.Single(lacking.Output.Trim().Split('\n').Skip(1)), StringComparison.Ordinal);
        Assert.Contains("1 host answered EHLO without XEXCH50 (1 of them on purpose", lacking.Error, StringComparison.Ordinal);
        Assert.Equal(1, unknown.ExitCode);
        Assert.StartsWith("esfleet lacking: warning: no profile knows X-FOO", unknown.Error, StringComparison.Ordinal);
        Assert.Equal(2, empty.ExitCode);
        Assert.StartsWith("esfleet lacking: KEYWORD must be an ESMTP keyword", empty.Error, StringComparison.Ordinal);
    }
}
