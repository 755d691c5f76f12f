using ExchangeSmtpFleet.Hosting;

namespace ExchangeSmtpFleet.Tests.Hosting;

/// <summary>Issue 18, item 17: serve's start check of <c>Audit:Inventory</c> wants a regular file, not only a path that exists.</summary>
public sealed class AuditSettingsTests
{
    private static string? InventoryProblem(string inventory) =>
        new AuditSettings { Inventory = inventory }.NightlyProblems(new MailSettings())
            .SingleOrDefault(p => p.StartsWith("Audit:Inventory", StringComparison.Ordinal));

    [Fact]
    public void Problems_DevZero_IsACharacterDevice()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "needs /dev/zero");

        Assert.Equal("Audit:Inventory: /dev/zero: is a character device, not a regular file", InventoryProblem("/dev/zero"));
    }

    [Fact]
    public async Task Problems_AFifo_IsAFifo()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "needs mkfifo");
        var fifo = Path.Combine(Path.GetTempPath(), $"esf-test-{Guid.NewGuid():N}.csv");
        Assert.Equal(0, (await Cli.CliRunner.RunInChildAsync($"mkfifo '{fifo}'")).ExitCode);

        Assert.Equal($"Audit:Inventory: {fifo}: is a FIFO (named pipe), not a regular file", InventoryProblem(fifo));
    }

    [Fact]
    public void Problems_ADirectoryOrNothing_AreSaidSo_ARegularFileIsFine()
    {
        var file = Cli.CliRunner.TempFile("Host\nmail1.corp\n");
        var directory = Path.GetTempPath().TrimEnd('/');

        Assert.Equal($"Audit:Inventory: {directory}: is a directory, not a regular file", InventoryProblem(directory));
        Assert.Equal($"Audit:Inventory: {file}.missing: file not found", InventoryProblem(file + ".missing"));
        Assert.Null(InventoryProblem(file));
    }
}
