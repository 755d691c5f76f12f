using System.Globalization;

namespace ExchangeSmtpFleet.Tests.Cli;

/// <summary>Issue 7, defect 9 and the small ones of 11: where results cannot go, one line and exit 2, nothing overwritten.</summary>
public sealed class OutputErrorTests
{
    private static async Task<(Simulator.SmtpSimulator Simulator, string Inventory)> HostsAsync(int count)
    {
        var simulator = await SimulatedHosts.StartAsync([.. Enumerable.Repeat(("ex2003-healthy-real.txt", "none"), count)]);
        var rows = simulator.Endpoints.Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.EndPoint.Address},{e.EndPoint.Port}"));
        return (simulator, CliRunner.TempFile("Host,Port\n" + string.Join('\n', rows) + "\n"));
    }

    /// <summary>Issue 18, item 18: on a full tmpfs, not /dev/full (which some kernels let pwrite succeed on).</summary>
    [Fact]
    public async Task Scan_DiskFull_SaysSoAndExits2()
    {
        Assert.SkipWhen(FullDisk.Unavailable is not null, FullDisk.Unavailable ?? string.Empty);
        var (simulator, inventory) = await HostsAsync(3);
        await using var running = simulator;

        var run = await FullDisk.RunAsync($"exec $ESFLEET scan --inventory '{inventory}' --json \"$FULL_DISK/results.jsonl\" --no-tls --no-store");

        Assert.Equal(2, run.ExitCode);
        Assert.Matches(@"esfleet scan: cannot write the results: JSON Lines /\S+/results\.jsonl: No space left on device", run.Error);
        Assert.DoesNotContain("internal error", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_JsonIsTheInventory_IsRefusedAndTheInventoryKept()
    {
        var inventory = CliRunner.TempFile("Host\n127.0.0.1\n");

        var run = await CliRunner.RunAsync("scan", "--inventory", inventory, "--json", inventory);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("is the inventory itself", run.Error, StringComparison.Ordinal);
        Assert.Equal("Host\n127.0.0.1\n", await File.ReadAllTextAsync(inventory, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Scan_JsonIsADirectory_SaysSo()
    {
        var inventory = CliRunner.TempFile("Host\n127.0.0.1\n");

        var run = await CliRunner.RunAsync("scan", "--inventory", inventory, "--json", Path.GetTempPath());

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("is a directory; name a file", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Host,Enabled\nmail1.example,false\n")]
    [InlineData("Host,Port\nmail1.example,99999\n")]
    public async Task Scan_NoHostToAudit_SaysSoAndExits2(string csv)
    {
        var run = await CliRunner.RunAsync("scan", "--inventory", CliRunner.TempFile(csv));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("no host to audit", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_StandardOutputPipeClosed_StopsWithAMessageInsteadOfDroppingResults()
    {
        var (simulator, inventory) = await HostsAsync(200);
        await using var running = simulator;
        var run = await CliRunner.RunInChildAsync(
            $"$ESFLEET scan --inventory '{inventory}' --no-tls --no-store --concurrency 4 --json - | head -c 100 > /dev/null; echo \"exit=${{PIPESTATUS[0]}}\"");

        Assert.Contains("exit=2", run.Output, StringComparison.Ordinal);
        Assert.Contains("cannot write the results: JSON Lines to standard output: Broken pipe", run.Error, StringComparison.Ordinal);
    }
}
