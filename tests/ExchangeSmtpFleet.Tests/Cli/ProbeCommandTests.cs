using System.Text.Json;
using ExchangeSmtpFleet.Simulator;

namespace ExchangeSmtpFleet.Tests.Cli;

public sealed class ProbeCommandTests
{
    private static Task<SmtpSimulator> HostAsync(string transcript, string fault = "none") => SimulatedHosts.StartAsync((transcript, fault));

    [Fact]
    public async Task Probe_MissingSinks_ShowsTranscriptVerdictAndRemediation()
    {
        await using var simulator = await HostAsync("seed-example-2-missing-sinks.txt");
        var endpoint = simulator.Endpoints[0].EndPoint;

        var run = await CliRunner.RunAsync("probe", $"{endpoint.Address}:{endpoint.Port}", "--ehlo-name", "auditor.test");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("C: EHLO auditor.test", run.Output);
        Assert.Contains("S: 250-8bitmime", run.Output);
        Assert.Contains("  Verdict          Exchange event sinks not loaded\n", run.Output);
        Assert.Contains("  Reason           every Exchange keyword absent\n", run.Output);
        Assert.Contains("1. Uninstall IIS.", run.Output);
    }

    [Fact]
    public async Task Probe_German_MissingSinks_SaysEverythingInGerman_NoCodeNames()
    {
        await using var simulator = await HostAsync("seed-example-2-missing-sinks.txt");
        var endpoint = simulator.Endpoints[0].EndPoint;

        var run = await CliRunner.RunAsync("probe", $"{endpoint.Address}:{endpoint.Port}", "--lang", "de");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"Prüfe {endpoint.Address}:{endpoint.Port}\n", run.Output, StringComparison.Ordinal);
        Assert.Contains($"  *  Verbindung zu {endpoint.Address}:{endpoint.Port}\n", run.Output, StringComparison.Ordinal);
        Assert.Contains("  Befund           Exchange-Ereignissenken nicht geladen\n", run.Output, StringComparison.Ordinal);
        Assert.Contains("  Grund            alle Exchange-Verben fehlen\n", run.Output, StringComparison.Ordinal);
        Assert.Contains("  Familie          microsoft-iis (IIS-Banner, letzte Zeile '250 OK', 8bitmime kleingeschrieben, Verb TURN, Verb ATRN, Begrüßung '<name> Hello [ip]')\n", run.Output, StringComparison.Ordinal);
        Assert.Contains("  Fehlend          X-EXPS, X-EXPS=LOGIN, X-LINK2STATE, XEXCH50\n", run.Output, StringComparison.Ordinal);
        foreach (var english in new[] { "Probing", "connecting to", "MissingSinks", "ExchangeKeywordsAbsent", "keyword", "greeting" })
        {
            Assert.DoesNotContain(english, run.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Probe_Json_PrintsOneObjectWithTimingsAndTranscript()
    {
        await using var simulator = await HostAsync("ex2003-healthy-real.txt");
        var endpoint = simulator.Endpoints[0].EndPoint;

        var run = await CliRunner.RunAsync("probe", $"{endpoint.Address}:{endpoint.Port}", "--json", "--lang", "de");

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal("Healthy", json.RootElement.GetProperty("verdict").GetString());
        Assert.True(json.RootElement.GetProperty("transcript").GetArrayLength() > 5);
    }

    [Fact]
    public async Task Probe_RefusedPort_IsUnreachable()
    {
        await using var simulator = await HostAsync("ex2003-healthy-real.txt", "refuse");
        var endpoint = simulator.Endpoints[0].EndPoint;

        var run = await CliRunner.RunAsync("probe", $"{endpoint.Address}:{endpoint.Port}", "--retries", "0", "--lang", "de");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("  Befund           Nicht erreichbar\n", run.Output, StringComparison.Ordinal);
        Assert.Contains("  Grund            Verbindung abgelehnt\n", run.Output, StringComparison.Ordinal);
        Assert.Contains("  *  Verbindung abgelehnt: ", run.Output, StringComparison.Ordinal);
        Assert.Contains("  Familie          unbekannt\n", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unreachable", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_Unreachable_MissingKeywordsAreADash_NotNone()
    {
        await using var simulator = await HostAsync("ex2003-healthy-real.txt", "refuse");
        var endpoint = simulator.Endpoints[0].EndPoint;

        var run = await CliRunner.RunAsync("probe", $"{endpoint.Address}:{endpoint.Port}", "--retries", "0");

        Assert.Contains("  Missing          -\n", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("(none)", run.Output.Split("\n").Single(l => l.StartsWith("  Missing", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_Healthy_MissingIsNone()
    {
        await using var simulator = await HostAsync("ex2003-healthy-real.txt");
        var endpoint = simulator.Endpoints[0].EndPoint;

        var run = await CliRunner.RunAsync("probe", $"{endpoint.Address}:{endpoint.Port}");

        Assert.Contains("  Missing          (none)\n", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_ConnectionAcceptedThenSilent_CausesFitAnAcceptedConnection()
    {
        await using var simulator = await HostAsync("ex2003-healthy-real.txt", "silent");
        var endpoint = simulator.Endpoints[0].EndPoint;

        var run = await CliRunner.RunAsync("probe", $"{endpoint.Address}:{endpoint.Port}", "--timeout", "1");

        Assert.Contains("  Reason           no greeting in time\n", run.Output, StringComparison.Ordinal);
        Assert.Contains("reverse DNS", run.Output, StringComparison.Ordinal);
        Assert.Contains("Find out why the dialogue stops", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("resolve", run.Output.Replace("reverse DNS", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("nslookup", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_ConnectionClosedAfterAccept_DoesNotBlameNameResolution()
    {
        await using var simulator = await HostAsync("ex2003-healthy-real.txt", "close");
        var endpoint = simulator.Endpoints[0].EndPoint;

        var run = await CliRunner.RunAsync("probe", $"{endpoint.Address}:{endpoint.Port}", "--lang", "de");

        Assert.Contains("  Grund            Verbindung im Dialog geschlossen\n", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("aufgelöst", run.Output, StringComparison.Ordinal);
        Assert.Contains("Verbindungssteuerung", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mail1:0")]
    [InlineData("mail_1")]
    [InlineData("[::1")]
    [InlineData("[::1]xyz")]
    [InlineData("127.0.0.010:2525")]
    [InlineData("0x7f.0.0.1")]
    [InlineData("http://mail1")]
    public async Task Probe_BadTarget_ExitsTwo(string target)
    {
        var run = await CliRunner.RunAsync("probe", target);

        Assert.Equal(2, run.ExitCode);
        Assert.NotEmpty(run.Error);
    }
}
