using System.Globalization;
using System.Text.Json;
using ExchangeSmtpFleet.Tests.Jobs;
using Npgsql;

namespace ExchangeSmtpFleet.Tests.Cli;

/// <summary>
/// The commands with <c>--provider postgres</c> on the PostgreSQL of <c>ESF_TEST_POSTGRES</c> (a database of their own each):
/// scans stored and read back, the scripts a DBA applies, migrations from two processes at once, a bad login at start.
/// </summary>
public sealed class PostgresCommandTests : IAsyncDisposable
{
    private static int _block;
    private readonly PostgresDatabases _databases = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _databases.DisposeAsync();

    [Fact]
    public async Task TwoScans_StoredInPostgres_AreReadBackByRunsHistoryAndLacking()
    {
        var database = await _databases.CreateAsync();
        var block = Interlocked.Increment(ref _block);
        var inventory = CliRunner.TempFile("Host,Port,Name\n" + string.Concat(Enumerable.Range(1, 3).Select(i =>
            string.Create(CultureInfo.InvariantCulture, $"127.45.{block}.{i},2525,EXCH0{i}\n"))));
        string[] store = ["--provider", "postgres", "--db", database];

        await using (await SimulatedHosts.AtAsync($"127.45.{block}", "ex2003-healthy-real.txt", "ex2003-healthy-real.txt", "seed-example-2-missing-sinks.txt"))
        {
            Assert.Equal(1, (await CliRunner.RunAsync(["scan", "--inventory", inventory, "--no-tls", .. store])).ExitCode);
        }

        await using (await SimulatedHosts.AtAsync($"127.45.{block}", "seed-example-2-missing-sinks.txt", "ex2003-healthy-real.txt", "ex2003-healthy-real.txt"))
        {
            var second = await CliRunner.RunAsync(["scan", "--inventory", inventory, "--no-tls", .. store]);
            Assert.Equal(1, second.ExitCode);
            Assert.Contains($"PostgreSQL database {new NpgsqlConnectionStringBuilder(database).Database}", second.Output, StringComparison.Ordinal);
        }

        var runs = await CliRunner.RunAsync(["runs", "--json", .. store]);
        Assert.Equal(2, runs.Output.Trim().Split('\n').Length);
        var history = await CliRunner.RunAsync(["history", $"127.45.{block}.1:2525", .. store]);
        Assert.Equal(0, history.ExitCode);
        var lines = history.Output.Trim().Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("Run ", lines[0], StringComparison.Ordinal);
        Assert.Contains("MissingSinks", lines[1], StringComparison.Ordinal);
        Assert.Contains("Healthy", lines[2], StringComparison.Ordinal);
        var byName = await CliRunner.RunAsync(["history", "exch01", .. store]);
        Assert.Equal(history.Output, byName.Output);
        var lacking = await CliRunner.RunAsync(["lacking", "XEXCH50", "--json", .. store]);
        Assert.Equal([$"127.45.{block}.1:2525"], lacking.Output.Trim().Split('\n').Select(l => JsonDocument.Parse(l).RootElement.GetProperty("host").GetString()));
    }

    /// <summary>
    /// A DBA applies the printed script by hand (one command, as psql -f does): the scripts and their journal rows, so that
    /// db check finds the schema complete and db migrate has nothing to do; applied twice it changes nothing.
    /// </summary>
    [Fact]
    public async Task DbScript_AppliedByADba_GivesASchemaThatDbCheckPasses_AndAppliedAgainChangesNothing()
    {
        var database = await _databases.CreateAsync();

        var script = await CliRunner.RunAsync("db", "script", "--provider", "postgres");
        await PostgresDatabases.ExecuteAsync(database, script.Output);
        var check = await CliRunner.RunAsync("db", "check", "--provider", "postgres", "--db", database);
        var journal = await JournalAsync(database);
        await PostgresDatabases.ExecuteAsync(database, script.Output);
        var migrate = await CliRunner.RunAsync("db", "migrate", "--provider", "postgres", "--db", database);

        Assert.Equal(0, script.ExitCode);
        Assert.Equal(5, script.Output.Split('\n').Count(l => l.StartsWith("-- esfleet schema script 000", StringComparison.Ordinal)));
        Assert.Contains("pass  schema         5 of 5 scripts of this build applied", check.Output, StringComparison.Ordinal);
        Assert.Contains("WARN  job storage", check.Output, StringComparison.Ordinal);
        Assert.Equal(1, check.ExitCode);
        Assert.Equal(0, migrate.ExitCode);
        Assert.Equal(journal, await JournalAsync(database));
    }

    /// <summary>Issue 22: two esfleet processes migrate one empty database at the same moment; each script is applied and journaled once.</summary>
    [Fact]
    public async Task DbMigrate_FromTwoProcessesAtOnce_OnAnEmptyDatabase_AppliesEachScriptOnce()
    {
        var database = await _databases.CreateAsync();

        var run = await CliRunner.RunInChildAsync(
            """
            ($ESFLEET db migrate --provider postgres --db "$CS"; echo "first=$?") &
            ($ESFLEET db migrate --provider postgres --db "$CS"; echo "second=$?") &
            wait
            """,
            new Dictionary<string, string> { ["CS"] = database });

        Assert.Contains("first=0", run.Output, StringComparison.Ordinal);
        Assert.Contains("second=0", run.Output, StringComparison.Ordinal);
        Assert.Equal("", run.Error);
        Assert.Equal(["0001_initial.sql", "0002_verdict_streaks.sql", "0003_mails.sql", "0004_pipeline.sql", "0005_keyword_sets.sql"],
            (await JournalAsync(database)).Select(j => j.Script));
    }

    [Theory]
    [InlineData("--run-now")]
    [InlineData("--worker")]
    public async Task Serve_OnPostgres_WithAWrongPassword_StopsAtStart_WithOneLine(string role)
    {
        var database = new NpgsqlConnectionStringBuilder(await _databases.CreateAsync()) { Password = "wrong-x9" };
        var settings = CliRunner.SettingsFile(new Dictionary<string, object>
        {
            ["DATA_DIR"] = Path.Combine(CliRunner.DataDirectory, $"pg-serve-{Guid.NewGuid():N}"),
            ["Database"] = new Dictionary<string, string> { ["Provider"] = "postgres" },
            ["ConnectionStrings"] = new Dictionary<string, string> { ["Fleet"] = database.ConnectionString },
            ["Audit"] = new Dictionary<string, string> { ["Inventory"] = CliRunner.Sample("inventory-lab.csv") },
        });

        var run = await CliRunner.RunWithSettingsAsync(settings, "serve", "--urls", "http://127.0.0.1:0", role);

        Assert.Equal(2, run.ExitCode);
        Assert.Single(run.Error.Trim().Split('\n'));
        Assert.StartsWith($"esfleet serve: PostgreSQL database {database.Database} on {database.Host}:{database.Port}: ", run.Error, StringComparison.Ordinal);
        Assert.Contains("password authentication failed", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-x9", run.Error, StringComparison.Ordinal);
    }

    /// <summary>The journal in the order it was written, each script with when.</summary>
    private static async Task<List<(string Script, DateTime AppliedAt)>> JournalAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(Cancel);
        await using var journal = new NpgsqlCommand("SELECT script, applied_at FROM schema_versions ORDER BY applied_at, script", connection);
        var rows = new List<(string, DateTime)>();
        await using var reader = await journal.ExecuteReaderAsync(Cancel);
        while (await reader.ReadAsync(Cancel))
        {
            rows.Add((reader.GetString(0), reader.GetDateTime(1)));
        }

        return rows;
    }
}
