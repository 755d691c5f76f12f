using System.CommandLine;
using ExchangeSmtpFleet.Cli;

namespace ExchangeSmtpFleet.Tests.Cli;

/// <summary>Issue 20, item 5: an option a command does not have, or a word too many, is one line in our words, not a help page.</summary>
public sealed class ParseProblemTests
{
    /// <summary>Every command that runs (not the groups <c>inventory</c>, <c>db</c>, <c>dashboard</c>), as typed after <c>esfleet</c>.</summary>
    public static TheoryData<string> Commands()
    {
        var data = new TheoryData<string>();
        void Add(Command command, string path)
        {
            if (command.Action is not null)
            {
                data.Add(path);
            }

            foreach (var sub in command.Subcommands)
            {
                Add(sub, path.Length == 0 ? sub.Name : $"{path} {sub.Name}");
            }
        }

        foreach (var command in EsfleetCli.BuildRootCommand(new CliContext(TimeProvider.System)).Subcommands)
        {
            Add(command, command.Name);
        }

        return data;
    }

    [Fact]
    public async Task History_WithLang_SaysLangIsNotAnOptionOfHistoryAndListsItsOptions()
    {
        var run = await CliRunner.RunAsync("history", "exch01", "--lang", "de");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("esfleet history: --lang is not an option of history (its options: --json, --limit, --db, --provider)", run.Error.TrimEnd());
        Assert.Empty(run.Output);
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task EveryCommand_UnknownOption_OneLineNamingItAndTheCommandsOptions(string path)
    {
        var command = path.Split(' ');

        var run = await CliRunner.RunAsync([.. command, "--no-such-option", "x"]);

        Assert.Equal(path == "check" ? 3 : 2, run.ExitCode);
        var line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"esfleet {path}: --no-such-option is not an option of {path} (", line);
        Assert.DoesNotContain("not matched", line);
        Assert.Empty(run.Output);
    }

    [Fact]
    public async Task UnknownOption_BeforeTheArgument_IsNamed_NotTakenForTheHost()
    {
        // System.CommandLine takes "--lang" for HOST here and complains about "de" and "exch01".
        var run = await CliRunner.RunAsync("history", "--lang", "de", "exch01");

        Assert.Equal("esfleet history: --lang is not an option of history (its options: --json, --limit, --db, --provider)", run.Error.TrimEnd());
    }

    [Fact]
    public async Task Probe_UnknownOptionAlone_IsNamed_NotProbedAsAHost()
    {
        var run = await CliRunner.RunAsync("probe", "--bogus");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("esfleet probe: --bogus is not an option of probe (its options: --json, --profile, --lang, --name,", run.Error);
    }

    [Fact]
    public async Task Check_UnknownOption_IsUnknownForTheMonitoringSystem()
    {
        var run = await CliRunner.RunAsync("check", "--bogus");

        Assert.Equal(3, run.ExitCode);
        Assert.Equal("esfleet check: --bogus is not an option of check (its options: --host, --warning-age, --critical-age, --json, --format, --db, --provider)", run.Error.TrimEnd());
    }

    [Fact]
    public async Task Typo_OfAnOption_SaysWhichOneWasMeant()
    {
        var run = await CliRunner.RunAsync("runs", "--limt", "5");

        Assert.Equal("esfleet runs: --limt is not an option of runs; did you mean --limit? (its options: --json, --limit, --db, --provider)", run.Error.TrimEnd());
    }

    [Theory]
    [InlineData("esfleet history: 'extra' is one argument too many: history takes HOST[:PORT]", "history", "exch01", "extra")]
    [InlineData("esfleet runs: runs takes no arguments, not 'extra'", "runs", "extra")]
    [InlineData("esfleet inventory: 'chek' is not a command of inventory; did you mean check? (its commands: check)", "inventory", "chek", "inventory.csv")]
    [InlineData("esfleet inventory: inventory needs a command (its commands: check)", "inventory")]
    [InlineData("esfleet probe: probe needs HOST[:PORT]", "probe")]
    [InlineData("esfleet runs: --limit needs a value", "runs", "--limit")]
    public async Task StrayWordsAndMissingOnes_OneLineEach(string expected, params string[] args)
    {
        var run = await CliRunner.RunAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(expected, run.Error.TrimEnd());
        Assert.Empty(run.Output);
    }

    [Fact]
    public async Task Help_WithAnUnknownOption_StillShowsTheHelp()
    {
        var run = await CliRunner.RunAsync("history", "--lang", "de", "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Usage:", run.Output);
    }
}
