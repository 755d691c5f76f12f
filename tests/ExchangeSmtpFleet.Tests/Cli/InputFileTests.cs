namespace ExchangeSmtpFleet.Tests.Cli;

/// <summary>Issue 7, defect 6 and the directory case of 11: input limits count the bytes read, and every odd file is one line.</summary>
public sealed class InputFileTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Classify_EndlessDevice_IsTooLargeNotAnOutOfMemory()
    {
        Assert.SkipUnless(File.Exists("/dev/zero"), "needs /dev/zero");

        var run = await CliRunner.RunAsync("classify", "/dev/zero").WaitAsync(Bound, TestContext.Current.CancellationToken);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("/dev/zero: more than 4194304 bytes, too large for a transcript", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InventoryCheck_EndlessDevice_IsTooLarge()
    {
        Assert.SkipUnless(File.Exists("/dev/zero"), "needs /dev/zero");

        var run = await CliRunner.RunAsync("inventory", "check", "/dev/zero").WaitAsync(Bound, TestContext.Current.CancellationToken);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("too large for an inventory", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InventoryCheck_Directory_SaysItIsADirectory()
    {
        var run = await CliRunner.RunAsync("inventory", "check", Path.GetTempPath());

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("is a directory, not an inventory", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Classify_Directory_SaysItIsADirectory()
    {
        var run = await CliRunner.RunAsync("classify", Path.GetTempPath());

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("is a directory, not a transcript", run.Error, StringComparison.Ordinal);
    }
}
