using System.Diagnostics;
using System.Net;
using System.Text;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Infrastructure.Persistence;
using ExchangeSmtpFleet.Tests.Cli;

namespace ExchangeSmtpFleet.Tests.Jobs;

/// <summary>
/// <c>esfleet serve</c> as a real process on the embedded job storage, stopped in the middle of a batch: killed
/// (SIGKILL) or asked to stop (SIGTERM), then started again. The run completes with one result per host, one report and
/// one mail either way.
/// </summary>
public sealed class ServeProcessTests
{
    private static int _relayBlock;

    [Theory]
    [InlineData("KILL")]
    [InlineData("TERM")]
    public async Task Serve_StoppedInTheMiddleOfABatch_AndStartedAgain_CompletesTheRun_OnceEach(string signal)
    {
        await using var fixture = await PipelineFixture.StartAsync(hosts: 24, latencyMs: 150);
        var endpoint = new IPEndPoint(IPAddress.Parse($"127.52.{Interlocked.Increment(ref _relayBlock)}.1"), 2587);
        await using var relay = await TestRelay.StartAsync(endpoint, startTls: false);
        var environment = fixture.Settings(batchSize: 6, concurrency: 2, endpoint)
            .ToDictionary(s => "ESF_" + s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!);
        environment["ESF_Logging__LogLevel__ExchangeSmtpFleet"] = "Information";
        var store = new SqliteAuditStore(fixture.Database, TimeProvider.System);
        var cancel = TestContext.Current.CancellationToken;

        string runId;
        var first = Serve(environment, "--run-now");
        try
        {
            await PipelineFixture.WaitForAsync(async () => File.Exists(fixture.Database) && (await store.FindRunAsync("latest", cancel))?.Results >= 3,
                TimeSpan.FromSeconds(60), $"the first results ({first.Log})");
            runId = (await store.FindRunAsync("latest", cancel))!.RunId;
            if (signal == "KILL")
            {
                first.Process.Kill();
            }
            else
            {
                using var kill = Process.Start("kill", ["-TERM", first.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
                await kill.WaitForExitAsync(cancel);
            }

            await first.Process.WaitForExitAsync(cancel).WaitAsync(TimeSpan.FromSeconds(60), cancel);
            if (signal == "TERM")
            {
                Assert.True(first.Process.ExitCode == 0, first.Log.ToString());
                Assert.Contains("stopping; running batches are handed back", first.Log.ToString(), StringComparison.Ordinal);
            }
        }
        finally
        {
            first.Stop();
        }

        var atStop = (await store.FindRunAsync(runId, cancel))!;
        Assert.True(atStop.Results < 24, $"the run was complete before the stop: {first.Log}");
        Assert.Equal(AuditRunStatus.Running, atStop.Status);
        var second = Serve(environment);
        try
        {
            await PipelineFixture.WaitForAsync(
                async () => (await store.StepsAsync(runId, cancel)).Any(s => s.Step == AuditPipeline.MailStep && s.DoneAt is not null),
                TimeSpan.FromSeconds(90), $"the mail after the restart ({second.Log})");
            Assert.Contains($"resumed run {runId}", second.Log.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            second.Stop();
        }

        var run = (await store.FindRunAsync(runId, cancel))!;
        Assert.Equal(AuditRunStatus.Completed, run.Status);
        Assert.Equal(24, run.Results);
        Assert.Empty(await store.HostsWithoutResultAsync(runId, cancel));
        Assert.Equal([Path.Combine(fixture.Reports, $"{runId}.xlsx")], fixture.Workbooks());
        Assert.Single(relay.Received);
    }

    private static ServeProcess Serve(IReadOnlyDictionary<string, string> environment, params string[] extra)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "esfleet.dll"), "serve", "--urls", "http://127.0.0.1:0" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in extra)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var log = new StringBuilder();
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ServeProcess(process, log);
    }

    private static void Append(StringBuilder log, string? line)
    {
        if (line is not null)
        {
            lock (log)
            {
                log.AppendLine(line);
            }
        }
    }

    private sealed record ServeProcess(Process Process, StringBuilder Log)
    {
        public void Stop()
        {
            if (!Process.HasExited)
            {
                Process.Kill();
                Process.WaitForExit(10_000);
            }

            Process.Dispose();
        }
    }
}
