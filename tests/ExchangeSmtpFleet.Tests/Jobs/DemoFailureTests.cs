using ExchangeSmtpFleet.Tests.Cli;

namespace ExchangeSmtpFleet.Tests.Jobs;

/// <summary>Issue 18, item 13: a step of the demo's pipeline that fails is said at once, not after Hangfire's retries (1, 5 and 15 minutes).</summary>
public sealed class DemoFailureTests
{
    [Fact]
    public async Task Demo_AStepThatFails_IsSaidAtOnce_InOneLine_Exit2()
    {
        var folder = Directory.CreateDirectory(Path.Combine(CliRunner.DataDirectory, $"demo-failure-{Guid.NewGuid():N}")).FullName;
        var data = Path.Combine(folder, "data");
        Directory.CreateDirectory(data);

        // Where the report job writes is a file: the report step fails (as on a full or read-only disk).
        await File.WriteAllTextAsync(Path.Combine(data, "reports"), "not a folder", TestContext.Current.CancellationToken);
        var transcript = CliRunner.Sample("transcripts", "ex2003-healthy-real.txt");
        var fleet = Path.Combine(folder, "fleet.json");
        await File.WriteAllTextAsync(fleet, $$"""{ "hosts": [ { "address": "127.64.0.1", "port": 2525, "transcript": "{{transcript}}", "fault": "none" } ] }""", TestContext.Current.CancellationToken);
        var inventory = CliRunner.TempFile("Host,Port\n127.64.0.1,2525\n");

        // Without the fix the demo waits for the retry a minute later: the time-out ends it with 124.
        var run = await CliRunner.RunInChildAsync($"timeout 50 $ESFLEET demo --inventory '{inventory}' --simulate '{fleet}'", new Dictionary<string, string> { ["ESF_DATA_DIR"] = data });

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.Error.Split('\n'), l => l.StartsWith("esfleet demo: ", StringComparison.Ordinal));
        Assert.StartsWith($"esfleet demo: the report job failed: cannot write {Path.Combine(data, "reports")}", line, StringComparison.Ordinal);
        Assert.EndsWith("; the demo stops here (the job is not retried)", line, StringComparison.Ordinal);
    }
}
