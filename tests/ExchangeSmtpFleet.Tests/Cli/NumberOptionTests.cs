namespace ExchangeSmtpFleet.Tests.Cli;

/// <summary>Issue 7, defect 1: a value that is not a number, or out of range, is one line and exit 2, never a crash.</summary>
public sealed class NumberOptionTests
{
    [Theory]
    [InlineData("--timeout", "5s")]
    [InlineData("--timeout", "abc")]
    [InlineData("--timeout", "")]
    [InlineData("--timeout", "1e-9")]
    [InlineData("--timeout", "-1")]
    [InlineData("--timeout", "0")]
    [InlineData("--connect-timeout", "0x10")]
    [InlineData("--deadline", "99999999999999999999")]
    [InlineData("--retries", "1.5")]
    [InlineData("--retries", "6")]
    [InlineData("--retries", "+1")]
    [InlineData("--concurrency", "0x10")]
    [InlineData("--concurrency", "4097")]
    [InlineData("--concurrency", "2147483648")]
    public async Task Scan_BadNumber_IsOneErrorLineNamingTheOptionAndExit2(string option, string value)
    {
        var inventory = CliRunner.TempFile("Host\n127.0.0.1\n");

        var run = await CliRunner.RunAsync("scan", "--inventory", inventory, option, value);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"{option} must be", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--timeout", "abc")]
    [InlineData("--retries", "x")]
    public async Task Probe_BadNumber_IsOneErrorLineAndExit2(string option, string value)
    {
        var run = await CliRunner.RunAsync("probe", "127.0.0.1:1", option, value);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"{option} must be", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_EhloNameWithControlCharacters_IsRefusedAndNotEchoedRaw()
    {
        var run = await CliRunner.RunAsync("probe", "127.0.0.1:1", "--ehlo-name", "a\u001b]0;pwned\u0007b");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--ehlo-name must be", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", run.Error, StringComparison.Ordinal);
    }
}
