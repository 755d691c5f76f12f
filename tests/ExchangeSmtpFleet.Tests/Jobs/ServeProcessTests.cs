using System.Diagnostics;
using System.Net;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Storage;
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
    [InlineData("SYSTEMD-TERM")]
    public async Task Serve_StoppedInTheMiddleOfABatch_AndStartedAgain_CompletesTheRun_OnceEach(string signal)
    {
        // SYSTEMD-TERM: serve as systemd runs a Type=notify service in a container (PID 1 of its own PID namespace with
        // NOTIFY_SOCKET set): the systemd host tells READY=1 and STOPPING=1 on the socket, and the stop request is SIGTERM.
        var systemd = signal == "SYSTEMD-TERM";
        Assert.SkipWhen(systemd && !await CanUnshareAsync(), "unshare --pid is not allowed here (it needs CAP_SYS_ADMIN): no PID namespace for the systemd host");
        using var notify = systemd ? new NotifySocket(Path.Combine(Path.GetTempPath(), $"esf-notify-{Guid.NewGuid():N}.sock")) : null;
        await using var fixture = await PipelineFixture.StartAsync(hosts: 24, latencyMs: 150);
        var endpoint = new IPEndPoint(IPAddress.Parse($"127.52.{Interlocked.Increment(ref _relayBlock)}.1"), 2587);
        await using var relay = await TestRelay.StartAsync(endpoint, startTls: false);
        var environment = PipelineFixture.Environment(fixture.Settings(batchSize: 6, concurrency: 2, endpoint));
        environment["ESF_Logging__LogLevel__ExchangeSmtpFleet"] = "Information";
        if (signal == "TERM")
        {
            // Logs as one JSON object per line, for a log collector.
            environment["ESF_Logging__Format"] = "json";
        }

        var store = AuditStorage.Sqlite(fixture.Database, TimeProvider.System);
        var cancel = TestContext.Current.CancellationToken;

        string runId;
        var first = ServeProcess.Start(environment, notify, "--run-now");
        try
        {
            await PipelineFixture.WaitForAsync(async () => File.Exists(fixture.Database) && (await store.History.FindRunAsync("latest", cancel))?.Results >= 3,
                TimeSpan.FromSeconds(60), $"the first results ({first.Log})");
            runId = (await store.History.FindRunAsync("latest", cancel))!.RunId;
            if (signal == "KILL")
            {
                first.Process.Kill();
            }
            else
            {
                if (notify is not null)
                {
                    Assert.Contains("READY=1", notify.Messages);
                }

                using var kill = Process.Start("kill", ["-TERM", first.ServePid().ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
                await kill.WaitForExitAsync(cancel);
            }

            await first.Process.WaitForExitAsync(cancel).WaitAsync(TimeSpan.FromSeconds(60), cancel);
            if (notify is not null)
            {
                Assert.Contains("STOPPING=1", notify.Messages);
            }

            if (signal == "TERM")
            {
                var jobLines = first.Log.ToString().Split('\n').Where(l => l.StartsWith('{')).Select(l => System.Text.Json.JsonDocument.Parse(l))
                    .Where(d => d.RootElement.GetProperty("Category").GetString() == "ExchangeSmtpFleet.Jobs.AuditJobs").ToList();
                Assert.Contains(jobLines, d => d.RootElement.GetProperty("Message").GetString()!.StartsWith("run audit-", StringComparison.Ordinal));
            }

            if (signal != "KILL")
            {
                Assert.True(first.Process.ExitCode == 0, first.Log.ToString());
                Assert.Contains("stopping; running batches are handed back", first.Log.ToString(), StringComparison.Ordinal);
            }
        }
        finally
        {
            first.Stop();
        }

        var atStop = (await store.History.FindRunAsync(runId, cancel))!;
        Assert.True(atStop.Results < 24, $"the run was complete before the stop: {first.Log}");
        Assert.Equal(AuditRunStatus.Running, atStop.Status);
        var second = ServeProcess.Start(environment, null);
        try
        {
            await PipelineFixture.WaitForAsync(
                async () => AuditWorkflow.IsDone(await store.Ledger.StepsAsync(runId, cancel), RunSteps.Mail),
                TimeSpan.FromSeconds(90), $"the mail after the restart ({second.Log})");
            Assert.Contains($"resumed run {runId}", second.Log.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            second.Stop();
        }

        var run = (await store.History.FindRunAsync(runId, cancel))!;
        Assert.Equal(AuditRunStatus.Completed, run.Status);
        Assert.Equal(24, run.Results);
        Assert.Empty(await store.History.HostsWithoutResultAsync(runId, cancel));
        Assert.Equal([Path.Combine(fixture.Reports, $"{runId}.en.xlsx")], fixture.Workbooks());
        Assert.Single(relay.Received);
    }

    private static async Task<bool> CanUnshareAsync()
    {
        try
        {
            using var probe = Process.Start(new ProcessStartInfo("unshare", ["--pid", "--fork", "--mount-proc", "true"]) { RedirectStandardError = true })!;
            await probe.WaitForExitAsync(TestContext.Current.CancellationToken);
            return probe.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
