namespace ExchangeSmtpFleet.Tests.Cli;

public sealed class HelpAndVersionTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("classify", "--help")]
    [InlineData("inventory", "--help")]
    [InlineData("inventory", "check", "--help")]
    [InlineData("probe", "--help")]
    [InlineData("scan", "--help")]
    [InlineData("simulate", "--help")]
    public async Task Help_OnEveryCommand_PrintsUsageAndExitsZero(params string[] args)
    {
        var run = await CliRunner.RunAsync(args);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Usage:", run.Output);
    }

    [Fact]
    public async Task Version_PrintsTheVersion()
    {
        var run = await CliRunner.RunAsync("--version");

        Assert.Equal(0, run.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", run.Output.Trim());
    }

    [Fact]
    public async Task UnknownCommand_ExitsTwo()
    {
        var run = await CliRunner.RunAsync("frobnicate");

        Assert.Equal(2, run.ExitCode);
    }
}
