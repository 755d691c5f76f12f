namespace ExchangeSmtpFleet.Tests.Cli;

/// <summary>Issue 7, defect 5: nothing from the network or a file reaches the operator's terminal raw.</summary>
public sealed class TerminalInjectionTests
{
    private const string Escape = "\u001b";

    [Fact]
    public async Task InventoryCheck_ControlCharactersInRows_AreEscaped()
    {
        var inventory = CliRunner.TempFile($"Host,Profile,Name\nmail1.example,ex{Escape}]0;pwned\u0007,x\nmail2{Escape}[2J.example,,y\n");

        var run = await CliRunner.RunAsync("inventory", "check", inventory);

        Assert.Equal(1, run.ExitCode);
        Assert.DoesNotContain(Escape, run.Output + run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("\u0007", run.Output + run.Error, StringComparison.Ordinal);
        Assert.Contains("\\x1B", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Classify_EscapeSequencesInBannerAndKeywords_AreEscaped()
    {
        var transcript = CliRunner.TempFile(
            $"220 mail1{Escape}]0;owned\u0007 Microsoft ESMTP MAIL Service ready\n250-mail1 Hello\n250-X-{Escape}[31mRED\n250 OK\n", ".txt");

        var run = await CliRunner.RunAsync("classify", transcript);

        Assert.DoesNotContain(Escape, run.Output + run.Error, StringComparison.Ordinal);
        Assert.Contains("\\x1B", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_ControlCharactersInBadRows_AreEscapedOnStandardError()
    {
        var inventory = CliRunner.TempFile($"Host,Profile\n127.0.0.1,bad{Escape}[2J\n");

        var run = await CliRunner.RunAsync("scan", "--inventory", inventory, "--timeout", "1", "--retries", "0");

        Assert.DoesNotContain(Escape, run.Output + run.Error, StringComparison.Ordinal);
        Assert.Contains("\\x1B", run.Error, StringComparison.Ordinal);
    }

    /// <summary>Issue 18, item 10: names from the inventory reach lacking's and changes' tables escaped (CSI, OSC titles, C1).</summary>
    [Fact]
    public async Task LackingAndChanges_NamesFromTheInventory_AreEscaped()
    {
        await using var fleet = await SimulatedHosts.StartAsync(("seed-example-2-missing-sinks.txt", "none"), ("ex2003-healthy-real.txt", "none"));
        var rows = string.Join('\n', fleet.Endpoints.Select((e, i) => $"{e.EndPoint.Address},{e.EndPoint.Port},ex{Escape}[31m{i}{Escape}]0;owned\u0007\u009b2J"));
        var inventory = CliRunner.TempFile($"Host,Port,Name\n{rows}\n");
        var db = Path.Combine(CliRunner.DataDirectory, $"escapes-{Guid.NewGuid():N}.db");
        Assert.Equal(1, (await CliRunner.RunAsync("scan", "--inventory", inventory, "--db", db, "--no-tls")).ExitCode);
        Assert.Equal(1, (await CliRunner.RunAsync("scan", "--inventory", inventory, "--db", db, "--no-tls")).ExitCode);

        var lacking = await CliRunner.RunAsync("lacking", "XEXCH50", "--db", db);
        var changes = await CliRunner.RunAsync("changes", "--all", "--db", db);

        foreach (var run in new[] { lacking, changes })
        {
            Assert.DoesNotContain(Escape, run.Output + run.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("\u0007", run.Output + run.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("\u009b", run.Output + run.Error, StringComparison.Ordinal);
            Assert.Contains("\\x1B[31m", run.Output, StringComparison.Ordinal);
        }
    }
}
