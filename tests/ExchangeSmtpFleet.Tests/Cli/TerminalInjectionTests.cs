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
}
