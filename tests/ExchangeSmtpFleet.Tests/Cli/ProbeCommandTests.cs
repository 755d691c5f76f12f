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
        Assert.Contains("MissingSinks", run.Output);
        Assert.Contains("1. Uninstall IIS.", run.Output);
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
        Assert.Contains("Unreachable", run.Output);
        Assert.Contains("ConnectionRefused", run.Output);
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
