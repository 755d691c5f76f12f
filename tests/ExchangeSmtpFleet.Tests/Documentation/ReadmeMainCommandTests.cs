using ExchangeSmtpFleet.Tests.Cli;

namespace ExchangeSmtpFleet.Tests.Documentation;

/// <summary>The README's first command, as written there (paths moved to this test's folders), audits the lab fleet and writes the report.</summary>
public sealed class ReadmeMainCommandTests
{
    private const string Prefix = "dotnet run --project src/ExchangeSmtpFleet -- ";

    [Fact]
    public async Task MainCommand_AuditsTheLabFleet_AsDesigned_AndWritesTheReport()
    {
        var readme = await File.ReadAllLinesAsync(Path.Combine(AppContext.BaseDirectory, "README.md"), TestContext.Current.CancellationToken);
        var twoCommands = Array.FindIndex(readme, l => l.StartsWith("## The two commands", StringComparison.Ordinal));
        var command = readme.Skip(twoCommands).First(l => l.StartsWith(Prefix, StringComparison.Ordinal));
        var data = Path.Combine(CliRunner.DataDirectory, "readme");
        var args = command[Prefix.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(a => a.StartsWith("samples/", StringComparison.Ordinal) ? Path.Combine(AppContext.BaseDirectory, a)
                : a.StartsWith("data/", StringComparison.Ordinal) ? Path.Combine(data, a["data/".Length..]) : a)
            .Concat(["--db", Path.Combine(data, "esfleet.db"), "--out", Path.Combine(data, "reports")])
            .ToArray();
        Directory.CreateDirectory(data);

        var run = await CliRunner.RunAsync(args);

        Assert.True(run.ExitCode == 1, run.Error);
        var counts = run.Output.Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(p => p.Length == 2 && int.TryParse(p[1], out _))
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
        var report = run.Output.Split('\n').Single(l => l.StartsWith("report: ", StringComparison.Ordinal))["report: ".Length..];
        Assert.True(File.Exists(report), report);
        Assert.Equal(31, File.ReadAllLines(Path.Combine(data, "lab-scan.jsonl")).Length);
    }
}
