using System.Globalization;
using ExchangeSmtpFleet.Hosting;

namespace ExchangeSmtpFleet.Tests.Cli;

/// <summary>Issue 7, defect 3: a scan under a low file-descriptor limit adapts instead of losing results.</summary>
public sealed class FileDescriptorTests
{
    [Fact]
    public async Task Scan_HardLimitBelowTheConcurrency_CapsItSaysSoAndAuditsEveryHostOnce()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "ulimit and /proc are Linux");
        var simulator = await SimulatedHosts.StartAsync(200, latencyMs: 100);
        await using var running = simulator;
        var inventory = CliRunner.TempFile("Host,Port\n" + string.Concat(simulator.Endpoints.Select(e =>
            string.Create(CultureInfo.InvariantCulture, $"{e.EndPoint.Address},{e.EndPoint.Port}\n"))));
        var json = Path.ChangeExtension(inventory, ".jsonl");

        // ulimit -n sets the hard limit too: nothing to raise, the scan must fit under 256.
        var run = await CliRunner.RunInChildAsync(
            $"ulimit -n 256 && exec $ESFLEET scan --inventory '{inventory}' --concurrency 1024 --no-tls --no-store --json '{json}'");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("concurrency 1024 needs more file descriptors than this process may open (limit 256", run.Error, StringComparison.Ordinal);
        var hosts = (await File.ReadAllLinesAsync(json, TestContext.Current.CancellationToken)).Select(l => l[..l.IndexOf(",\"port\"", StringComparison.Ordinal)]).ToList();
        Assert.Equal(200, hosts.Count);
        Assert.Equal(200, hosts.Distinct().Count());
    }

    [Theory]
    [InlineData(1024, 100, 1, 860)]
    [InlineData(1024, 100, 2, 430)]
    [InlineData(100, 90, 1, 1)]
    public void ProbeBudget_LeavesWhatIsOpenAndTheReserve(long limit, int open, int perProbe, int expected)
    {
        Assert.Equal(expected, FileDescriptors.ProbeBudget(limit, open, perProbe));
    }
}
