using System.Globalization;
using System.Text.Json;
using ExchangeSmtpFleet.Simulator;
using Microsoft.Extensions.Time.Testing;

namespace ExchangeSmtpFleet.Tests.Cli;

/// <summary>
/// Issue 20: <c>esfleet check</c> as Nagios, Icinga or Checkmk run it: one line <c>ESFLEET STATE - text | perfdata</c>,
/// exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN, read from the stored runs.
/// </summary>
public sealed class CheckCommandTests
{
    private static int _block;

    private static async Task<(string Db, int Block)> ScannedAsync(params string[] transcripts)
    {
        var block = Interlocked.Increment(ref _block);
        var db = Path.Combine(CliRunner.DataDirectory, $"check-{block}.db");
        var inventory = CliRunner.TempFile("Host,Port,Name\n" + string.Concat(transcripts.Select((_, i) =>
            string.Create(CultureInfo.InvariantCulture, $"127.46.{block}.{i + 1},2525,EXCH0{i + 1}\n"))));
        await using var fleet = await SmtpSimulator.StartAsync(new FleetDefinition
        {
            Hosts = [.. transcripts.Select((t, i) => new SimulatedHostDefinition
            {
                Address = string.Create(CultureInfo.InvariantCulture, $"127.46.{block}.{i + 1}"),
                Port = 2525,
                TranscriptText = File.ReadAllText(CliRunner.Sample("transcripts", t)),
            })],
        }, TimeProvider.System);
        var scan = await CliRunner.RunAsync("scan", "--inventory", inventory, "--db", db, "--no-tls");
        Assert.True(scan.ExitCode is 0 or 1, scan.Error);
        return (db, block);
    }

    private static Dictionary<string, string> Perfdata(string line) =>
        line[(line.IndexOf(" | ", StringComparison.Ordinal) + 3)..].Trim().Split(' ').ToDictionary(m => m[..m.IndexOf('=', StringComparison.Ordinal)], m => m[(m.IndexOf('=', StringComparison.Ordinal) + 1)..]);

    [Fact]
    public async Task AFleetWithMissingSinks_IsCritical_WithCountsAsPerfdata()
    {
        var (db, _) = await ScannedAsync("ex2003-healthy-real.txt", "seed-example-2-missing-sinks.txt");

        var check = await CliRunner.RunAsync("check", "--db", db);

        Assert.Equal(2, check.ExitCode);
        var line = Assert.Single(check.Output.TrimEnd().Split('\n'));
        Assert.StartsWith("ESFLEET CRITICAL - 1 Exchange server needs action (1 sinks not loaded) [run scan-", line, StringComparison.Ordinal);
        var perf = Perfdata(line);
        Assert.Equal("1;;;0", perf["healthy"]);
        Assert.Equal("1;;;0", perf["missing_sinks"]);
        Assert.Equal("1;;0;0", perf["need_action"]);
        Assert.Equal("0;;;0", perf["new"]);
        Assert.Matches("^[0-9]+s;93600;180000;0$", perf["age"]);
        Assert.Equal(string.Empty, check.Error);
    }

    [Fact]
    public async Task AHealthyFleet_IsOk_AndOneHostIsCheckedByAddressOrName()
    {
        var (db, block) = await ScannedAsync("ex2003-healthy-real.txt", "seed-example-2-missing-sinks.txt");

        var healthy = await CliRunner.RunAsync("check", "--db", db, "--host", $"127.46.{block}.1");
        Assert.Equal(0, healthy.ExitCode);
        Assert.StartsWith($"ESFLEET OK - 127.46.{block}.1:2525 (EXCH01): Healthy since ", healthy.Output, StringComparison.Ordinal);

        var sick = await CliRunner.RunAsync("check", "--db", db, "-H", "exch02");
        Assert.Equal(2, sick.ExitCode);
        Assert.Contains("missing X-EXPS X-EXPS=LOGIN X-LINK2STATE XEXCH50 | missing=4;;;0", sick.Output, StringComparison.Ordinal);

        var absent = await CliRunner.RunAsync("check", "--db", db, "-H", "nosuchhost:25");
        Assert.Equal(3, absent.ExitCode);
        Assert.StartsWith("ESFLEET UNKNOWN - nosuchhost:25 is not in the latest completed run", absent.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOldRun_IsWarningThenCritical_AndJsonSaysTheSame()
    {
        var (db, _) = await ScannedAsync("ex2003-healthy-real.txt");
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());

        var fresh = await CliRunner.RunAtAsync(clock, "check", "--db", db);
        Assert.Equal(0, fresh.ExitCode);
        Assert.StartsWith("ESFLEET OK - no Exchange server needs action (1 of 1 host checked)", fresh.Output, StringComparison.Ordinal);

        clock.Advance(TimeSpan.FromHours(30));
        var stale = await CliRunner.RunAtAsync(clock, "check", "--db", db);
        Assert.Equal(1, stale.ExitCode);
        Assert.Contains("; the latest completed run is 30 hours old", stale.Output, StringComparison.Ordinal);

        var json = await CliRunner.RunAtAsync(clock, "check", "--db", db, "--json", "--warning-age", "48", "--critical-age", "72");
        Assert.Equal(0, json.ExitCode);
        var root = JsonDocument.Parse(json.Output).RootElement;
        Assert.Equal("OK", root.GetProperty("status").GetString());
        Assert.InRange(root.GetProperty("perfdata").GetProperty("age").GetDouble(), 30 * 3600, 31 * 3600);

        clock.Advance(TimeSpan.FromHours(30));
        var dead = await CliRunner.RunAtAsync(clock, "check", "--db", db);
        Assert.Equal(2, dead.ExitCode);
        Assert.StartsWith("ESFLEET CRITICAL - ", dead.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoDatabase_BadThresholds_AndUnknownOptions_AreUnknown()
    {
        var missing = await CliRunner.RunAsync("check", "--db", Path.Combine(CliRunner.DataDirectory, "check-none.db"));
        Assert.Equal(3, missing.ExitCode);
        Assert.StartsWith("ESFLEET UNKNOWN - SQLite database ", missing.Output, StringComparison.Ordinal);
        Assert.Contains("there is no database there", missing.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(CliRunner.DataDirectory, "check-none.db")), "a check never creates the database");

        var thresholds = await CliRunner.RunAsync("check", "-w", "50", "-c", "10");
        Assert.Equal(3, thresholds.ExitCode);
        Assert.Equal("ESFLEET UNKNOWN - --critical-age (10) must be more than --warning-age (50)", thresholds.Output.TrimEnd());

        Assert.Equal(3, (await CliRunner.RunAsync("check", "--bogus")).ExitCode);
        Assert.Equal(3, (await CliRunner.RunAsync("check", "--format", "json,checkmk")).ExitCode);
        var format = await CliRunner.RunAsync("check", "--format", "xml");
        Assert.Equal(3, format.ExitCode);
        Assert.Contains("--format must be plugin, json, checkmk or prtg, not 'xml'", format.Output + format.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Checkmk_GetsALocalCheckLine_AndPrtg_ItsSensorJson_BothExitingZero()
    {
        var (db, block) = await ScannedAsync("ex2003-healthy-real.txt", "seed-example-2-missing-sinks.txt");

        var checkmk = await CliRunner.RunAsync("check", "--db", db, "--format", "checkmk");
        Assert.Equal(0, checkmk.ExitCode);
        var line = Assert.Single(checkmk.Output.TrimEnd().Split('\n'));
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(line, @"^2 ""Exchange SMTP sinks"" healthy=1\|missing_sinks=1\|suspected_metabase_corruption=0\|unexpected_server=0\|rejected=0\|protocol_error=0\|unreachable=0\|age=[0-9]+;93600;180000\|need_action=1;;0\|new=0 1 Exchange server needs action \(1 sinks not loaded\) \[run scan-"), line);

        var one = await CliRunner.RunAsync("check", "--db", db, "--format", "checkmk", "--host", "EXCH01");
        Assert.StartsWith($"0 \"Exchange SMTP sinks EXCH01\" missing=0 127.46.{block}.1:2525 (EXCH01): Healthy since ", one.Output, StringComparison.Ordinal);

        var prtg = await CliRunner.RunAsync("check", "--db", db, "--format", "prtg");
        Assert.Equal(0, prtg.ExitCode);
        var root = JsonDocument.Parse(prtg.Output).RootElement.GetProperty("prtg");
        var channels = root.GetProperty("result").EnumerateArray().ToDictionary(c => c.GetProperty("channel").GetString()!);
        Assert.Equal(2, channels["State"].GetProperty("value").GetDouble());
        Assert.Equal(1, channels["State"].GetProperty("limitmaxerror").GetDouble());
        Assert.Equal(1, channels["Need action"].GetProperty("value").GetDouble());
        Assert.Equal(0, channels["Need action"].GetProperty("limitmaxerror").GetDouble());
        Assert.Equal("TimeSeconds", channels["Age of the latest completed run"].GetProperty("unit").GetString());
        Assert.Equal(1, channels["Healthy"].GetProperty("value").GetDouble());
        Assert.StartsWith("1 Exchange server needs action", root.GetProperty("text").GetString(), StringComparison.Ordinal);

        var badOption = await CliRunner.RunAsync("check", "--format", "checkmk", "-w", "zero");
        Assert.Equal(0, badOption.ExitCode);
        Assert.StartsWith("3 \"Exchange SMTP sinks\" - esfleet check: ", badOption.Output, StringComparison.Ordinal);
        Assert.Single(badOption.Output.TrimEnd().Split('\n'));
        var badPrtg = await CliRunner.RunAsync("check", "--format=prtg", "--bogus");
        Assert.Equal(0, badPrtg.ExitCode);
        Assert.Equal(1, JsonDocument.Parse(badPrtg.Output).RootElement.GetProperty("prtg").GetProperty("error").GetInt32());

        var misconfigured = await CliRunner.RunWithSettingsAsync(
            CliRunner.SettingsFile(new Dictionary<string, object> { ["DATA_DIR"] = CliRunner.DataDirectory, ["Database"] = new { Provider = "bogus" } }), "check", "--format", "checkmk");
        Assert.Equal(0, misconfigured.ExitCode);
        Assert.StartsWith("3 \"Exchange SMTP sinks\" - configuration: Database:Provider", misconfigured.Output, StringComparison.Ordinal);
        Assert.Equal(string.Empty, misconfigured.Error);

        var none = await CliRunner.RunAsync("check", "--db", Path.Combine(CliRunner.DataDirectory, "check-none.db"), "--format", "prtg");
        Assert.Equal(0, none.ExitCode);
        var error = JsonDocument.Parse(none.Output).RootElement.GetProperty("prtg");
        Assert.Equal(1, error.GetProperty("error").GetInt32());
        Assert.Contains("there is no database there", error.GetProperty("text").GetString(), StringComparison.Ordinal);
    }
}
