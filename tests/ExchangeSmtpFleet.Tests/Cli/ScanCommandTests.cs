using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ExchangeSmtpFleet.Simulator;

namespace ExchangeSmtpFleet.Tests.Cli;

public sealed class ScanCommandTests
{
    /// <summary>Starts a simulated fleet on addresses of its own and writes an inventory for it.</summary>
    private static async Task<(SmtpSimulator Simulator, string Inventory)> FleetAsync(params (string Transcript, string Fault)[] hosts)
    {
        var simulator = await SimulatedHosts.StartAsync(hosts);
        var csv = new StringBuilder("Host;Port;Name\n");
        foreach (var endpoint in simulator.Endpoints)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{endpoint.EndPoint.Address};{endpoint.EndPoint.Port};\n");
        }

        return (simulator, CliRunner.TempFile(csv.ToString()));
    }

    [Fact]
    public async Task Scan_MixedFleet_WritesOneJsonLinePerHostAndExitsOne()
    {
        var (simulator, inventory) = await FleetAsync(
            ("ex2003-healthy-real.txt", "none"), ("seed-example-2-missing-sinks.txt", "none"), ("ex2003-healthy-real.txt", "421"));
        await using var running = simulator;
        var jsonPath = Path.ChangeExtension(inventory, ".jsonl");

        var run = await CliRunner.RunAsync("scan", "--inventory", inventory, "--json", jsonPath, "--timeout", "5", "--no-tls");

        Assert.Equal(1, run.ExitCode);
        var lines = await File.ReadAllLinesAsync(jsonPath, TestContext.Current.CancellationToken);
        Assert.Equal(3, lines.Length);
        var verdicts = lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("verdict").GetString()).Order().ToList();
        Assert.Equal(["Healthy", "MissingSinks", "Rejected"], verdicts);
        using var first = JsonDocument.Parse(lines[0]);
        foreach (var field in new[] { "host", "port", "name", "site", "owner", "profile", "verdict", "reason", "family", "banner", "keywords", "missing", "unexpected", "findings", "tls", "timings", "probedAt", "runId" })
        {
            Assert.True(first.RootElement.TryGetProperty(field, out _), $"missing {field}");
        }

        Assert.True(first.RootElement.GetProperty("timings").TryGetProperty("totalMs", out _));
        Assert.Matches(@"MissingSinks\s+1\s+act: mail between Exchange servers fails", run.Output);
        AssertHealthyLine(lines.Single(l => l.Contains("\"verdict\":\"Healthy\"", StringComparison.Ordinal)));
        Assert.Matches(@"Total\s+3", run.Output);

        // Issue 20: under the summary, the hosts that need action with what to do, and the others counted.
        var sick = simulator.Endpoints[1].EndPoint;
        Assert.Contains("1 Exchange server needs action:", run.Output, StringComparison.Ordinal);
        Assert.Matches($@"{Regex.Escape($"{sick.Address}:{sick.Port}")}\s+-\s+MissingSinks\s+X-EXPS, X-EXPS=LOGIN, X-LINK2STATE, XEXCH50\s+Load SMTP for Exchange properly", run.Output);
        Assert.Contains("1 host could not be checked (", run.Output, StringComparison.Ordinal);
    }

    /// <summary>The whole object of a healthy Exchange 2003 host: every field in its order, keywords with parameters, the transcript.</summary>
    private static void AssertHealthyLine(string line)
    {
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        Assert.Equal(
            ["host", "port", "name", "site", "owner", "inventoryLine", "profile", "verdict", "reason", "family", "familyEvidence", "version",
             "banner", "greeting", "keywords", "postTlsKeywords", "missing", "unexpected", "findings", "tls", "detail", "address", "attempts",
             "timings", "probedAt", "transcript", "runId"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Null, root.GetProperty("name").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("tls").ValueKind);
        Assert.Equal("microsoft-exchange-2000/2003", root.GetProperty("family").GetString());
        var auth = root.GetProperty("keywords").EnumerateArray().Single(k => k.GetProperty("name").GetString() == "AUTH");
        Assert.Equal(["GSSAPI", "NTLM", "LOGIN"], auth.GetProperty("parameters").EnumerateArray().Select(p => p.GetString()));
        Assert.Contains(root.GetProperty("keywords").EnumerateArray(), k => k.GetProperty("name").GetString() == "8BITMIME");
        Assert.Equal(0, root.GetProperty("missing").GetArrayLength());
        Assert.Equal(JsonValueKind.Number, root.GetProperty("timings").GetProperty("ehloMs").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("timings").GetProperty("tlsMs").ValueKind);
        Assert.Contains(root.GetProperty("transcript").EnumerateArray(), t => t.GetString()!.Contains("250 OK", StringComparison.Ordinal));
        Assert.StartsWith("scan-", root.GetProperty("runId").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_AllHealthy_ExitsZero()
    {
        var (simulator, inventory) = await FleetAsync(("ex2003-healthy-real.txt", "none"), ("seed-example-1-healthy.txt", "none"));
        await using var running = simulator;

        var run = await CliRunner.RunAsync("scan", "-i", inventory, "--no-tls");

        Assert.Equal(0, run.ExitCode);
        Assert.Matches(@"Healthy\s+2", run.Output);
        Assert.Contains("No Exchange server needs action.", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_JsonToStandardOutput_KeepsSummaryOnStandardError()
    {
        var (simulator, inventory) = await FleetAsync(("ex2003-healthy-real.txt", "none"));
        await using var running = simulator;

        var run = await CliRunner.RunAsync("scan", "-i", inventory, "--json", "-", "--no-tls");

        var line = Assert.Single(run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("Healthy", JsonDocument.Parse(line).RootElement.GetProperty("verdict").GetString());
        Assert.Contains("Total", run.Error);
    }

    [Fact]
    public async Task Scan_InventoryWithBadRows_ScansTheRestAndReportsThem()
    {
        var (simulator, inventory) = await FleetAsync(("ex2003-healthy-real.txt", "none"));
        await using var running = simulator;
        await File.AppendAllTextAsync(inventory, "bad_host;25;\n", TestContext.Current.CancellationToken);

        var run = await CliRunner.RunAsync("scan", "-i", inventory, "--no-tls");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("line 3", run.Error);
        Assert.Matches(@"Healthy\s+1", run.Output);
    }

    [Fact]
    public async Task Scan_UnusableInventory_ExitsTwo()
    {
        var run = await CliRunner.RunAsync("scan", "-i", CliRunner.TempFile("Server\nx\n"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("no 'Host' column", run.Error);
    }

    [Theory]
    [InlineData("--concurrency", "0")]
    [InlineData("--timeout", "-1")]
    [InlineData("--retries", "9")]
    public async Task Scan_BadOption_ExitsTwo(string option, string value)
    {
        var run = await CliRunner.RunAsync("scan", "-i", CliRunner.Sample("inventory.csv"), option, value);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(option, run.Error);
    }
}
