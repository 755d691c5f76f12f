namespace ExchangeSmtpFleet.Tests.Cli;

/// <summary>Issue 7, defect 6 and the directory case of 11: input limits count the bytes read, and every odd file is one line.</summary>
public sealed class InputFileTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Classify_EndlessDevice_IsRefusedAsADevice()
    {
        Assert.SkipUnless(File.Exists("/dev/zero"), "needs /dev/zero");

        var run = await CliRunner.RunAsync("classify", "/dev/zero").WaitAsync(Bound, TestContext.Current.CancellationToken);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("/dev/zero: is a character device, not a regular file; a transcript is read from a regular file", run.Error, StringComparison.Ordinal);
    }

    /// <summary>Issue 18, item 16: /dev/zero was buffered up to the 256 MiB limit (610 MiB peak) before it was refused.</summary>
    [Fact]
    public async Task InventoryCheck_EndlessDevice_IsRefusedInOneLine_WithinASmallHeap()
    {
        Assert.SkipUnless(File.Exists("/dev/zero"), "needs /dev/zero");

        // A 48 MiB heap: the command itself fits in it, the old buffering of /dev/zero did not.
        var run = await CliRunner.RunInChildAsync("exec $ESFLEET inventory check /dev/zero", new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x3000000" })
            .WaitAsync(Bound, TestContext.Current.CancellationToken);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("esfleet inventory check: /dev/zero: unusable inventory: /dev/zero: is a character device, not a regular file; an inventory is read from a regular file", run.Error.Trim());
    }

    [Fact]
    public async Task InventoryCheck_AFifo_IsRefusedInOneLine_WithoutWaitingForAWriter()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "needs mkfifo");
        var fifo = Path.Combine(Path.GetTempPath(), $"esf-test-{Guid.NewGuid():N}.csv");
        var made = await CliRunner.RunInChildAsync($"mkfifo '{fifo}'");
        Assert.True(made.ExitCode == 0, made.Error);

        // In a child process under timeout(1): opening a FIFO for reading waits for a writer, and that wait cannot be cancelled.
        var run = await CliRunner.RunInChildAsync($"timeout 30 $ESFLEET inventory check '{fifo}'");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"esfleet inventory check: {fifo}: unusable inventory: {fifo}: is a FIFO (named pipe), not a regular file; an inventory is read from a regular file", run.Error.Trim());
    }

    [Fact]
    public async Task InventoryCheck_ASparseFileOfZeros_IsRefusedAsBinary_FromItsFirstBlock()
    {
        var path = Path.Combine(Path.GetTempPath(), $"esf-test-{Guid.NewGuid():N}.csv");
        await using (var file = File.Create(path))
        {
            file.SetLength(200L * 1024 * 1024); // under the 256 MiB limit, nothing written
        }

        var run = await CliRunner.RunInChildAsync($"exec $ESFLEET inventory check '{path}'", new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x3000000" })
            .WaitAsync(Bound, TestContext.Current.CancellationToken);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("the file is binary (NUL byte at offset 0), not a CSV inventory", run.Error, StringComparison.Ordinal);
        File.Delete(path);
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
