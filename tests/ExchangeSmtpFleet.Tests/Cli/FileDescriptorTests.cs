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

    /// <summary>
    /// Issue 18, item 15: under a hard limit of 200 the scan probed one host at a time (a fixed reserve of 64 on top of the
    /// ~140 descriptors the runtime holds); what is open at the start is counted, and dozens fit. Every host still gets its
    /// own result: nothing fails for want of a descriptor (the store, the JSON file and every probe included).
    /// </summary>
    [Fact]
    public async Task Scan_UnderAHardLimitOf200_ProbesDozensAtATime_AndEveryHostIsHealthy()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "ulimit and /proc are Linux");
        var simulator = await SimulatedHosts.StartAsync(60, latencyMs: 100);
        await using var running = simulator;
        var inventory = CliRunner.TempFile("Host,Port\n" + string.Concat(simulator.Endpoints.Select(e =>
            string.Create(CultureInfo.InvariantCulture, $"{e.EndPoint.Address},{e.EndPoint.Port}\n"))));
        var json = Path.ChangeExtension(inventory, ".jsonl");
        var data = Path.Combine(CliRunner.DataDirectory, $"fd-{Guid.NewGuid():N}");

        var run = await CliRunner.RunInChildAsync(
            $"ulimit -n 200 && exec $ESFLEET scan --inventory '{inventory}' --concurrency 64 --no-tls --json '{json}'",
            new Dictionary<string, string> { ["ESF_DATA_DIR"] = data });

        Assert.True(run.ExitCode == 0, run.Error);
        var fitted = System.Text.RegularExpressions.Regex.Match(run.Error, @"\(limit 200, ulimit -n\): probing (\d+) hosts at a time");
        Assert.True(fitted.Success, run.Error);
        Assert.InRange(int.Parse(fitted.Groups[1].Value, CultureInfo.InvariantCulture), 10, 64);
        var lines = await File.ReadAllLinesAsync(json, TestContext.Current.CancellationToken);
        Assert.Equal(60, lines.Length);
        Assert.All(lines, l => Assert.Contains("\"verdict\":\"Healthy\"", l, StringComparison.Ordinal));
        Assert.Contains("stored as run", run.Output + run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1024, 100, 1, 911)]
    [InlineData(1024, 100, 2, 455)]
    [InlineData(200, 150, 1, 37)]
    [InlineData(100, 90, 1, 1)]
    public void Budget_LeavesWhatIsOpenAtTheStartAndASmallReserve(long limit, int open, int perProbe, int expected)
    {
        Assert.Equal(expected, FileDescriptors.Budget(limit, open, perProbe));
    }

    [Fact]
    public void OpenAtScanStart_LoadsEveryAssemblyTheScanLoadsLater_SoThatTheyAreCounted()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "/proc is Linux");

        var open = FileDescriptors.OpenAtScanStart();

        var loaded = AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetName().Name).ToHashSet(StringComparer.Ordinal);
        Assert.All(FileDescriptors.ScanAssemblies, name => Assert.Contains(name, loaded));
        Assert.InRange(open, 3, FileDescriptors.OpenNow() + 16);
    }
}
