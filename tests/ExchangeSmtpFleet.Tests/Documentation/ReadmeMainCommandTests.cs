using ExchangeSmtpFleet.Tests.Cli;

namespace ExchangeSmtpFleet.Tests.Documentation;

/// <summary>
/// The README's first command, as written there (the data folder moved to this test's), runs the demo: the lab fleet
/// audited through the job pipeline, as the fleet is designed, every host once, one report.
/// </summary>
[Collection(nameof(LabFleet))]
public sealed class ReadmeMainCommandTests
{
    private const string Prefix = "dotnet run --project src/ExchangeSmtpFleet -- ";

    [Fact]
    public async Task MainCommand_RunsTheDemo_ThroughTheJobs_AsTheLabIsDesigned_OneReport()
    {
        var readme = await File.ReadAllLinesAsync(Path.Combine(AppContext.BaseDirectory, "README.md"), TestContext.Current.CancellationToken);
        var twoCommands = Array.FindIndex(readme, l => l.StartsWith("## The two commands", StringComparison.Ordinal));
        var command = readme.Skip(twoCommands).First(l => l.StartsWith(Prefix, StringComparison.Ordinal));
        var data = Path.Combine(CliRunner.DataDirectory, "readme");
        var settings = CliRunner.SettingsFile(new Dictionary<string, object> { ["DATA_DIR"] = data });
        var args = command[Prefix.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["demo"], args);

        var run = await CliRunner.RunWithSettingsAsync(settings, args);

        Assert.True(run.ExitCode == 0, run.Error);
        var counts = run.Output.Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(p => p.Length >= 2 && int.TryParse(p[1], out _))
            .ToDictionary(p => p[0], p => int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(
            new Dictionary<string, int>
            {
                ["Healthy"] = 9,
                ["MissingSinks"] = 3,
                ["SuspectedMetabaseCorruption"] = 2,
                ["UnexpectedServer"] = 4,
                ["Rejected"] = 4,
                ["ProtocolError"] = 5,
                ["Unreachable"] = 4,
                ["Total"] = 31,
            },
            counts);
        Assert.Contains("31 of 31 hosts", run.Output, StringComparison.Ordinal);
        var report = run.Output.Split('\n').Single(l => l.StartsWith("report: ", StringComparison.Ordinal))["report: ".Length..].Trim();
        Assert.True(File.Exists(report), report);
        Assert.Equal([report], Directory.GetFiles(Path.Combine(data, "reports")));
        Assert.Contains("4 of 4 batches done", run.Error, StringComparison.Ordinal);
    }
}
