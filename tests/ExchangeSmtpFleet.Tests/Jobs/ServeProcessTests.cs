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
    [InlineData("SYSTEMD-TERM")]
    public async Task Serve_StoppedInTheMiddleOfABatch_AndStartedAgain_CompletesTheRun_OnceEach(string signal)
    {
        // SYSTEMD-TERM: serve as systemd runs a Type=notify service in a container (PID 1 of its own PID namespace with
        // NOTIFY_SOCKET set): the systemd host tells READY=1 and STOPPING=1 on the socket, and the stop request is SIGTERM.
        var systemd = signal == "SYSTEMD-TERM";
        using var notify = systemd ? new NotifySocket(Path.Combine(Path.GetTempPath(), $"esf-notify-{Guid.NewGuid():N}.sock")) : null;
        await using var fixture = await PipelineFixture.StartAsync(hosts: 24, latencyMs: 150);
        var endpoint = new IPEndPoint(IPAddress.Parse($"127.52.{Interlocked.Increment(ref _relayBlock)}.1"), 2587);
        await using var relay = await TestRelay.StartAsync(endpoint, startTls: false);
        var environment = fixture.Settings(batchSize: 6, concurrency: 2, endpoint)
            .ToDictionary(s => "ESF_" + s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!);
        environment["ESF_Logging__LogLevel__ExchangeSmtpFleet"] = "Information";
        var store = new SqliteAuditStore(fixture.Database, TimeProvider.System);
        var cancel = TestContext.Current.CancellationToken;

        string runId;
        var first = Serve(environment, notify, "--run-now");
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

        var atStop = (await store.FindRunAsync(runId, cancel))!;
        Assert.True(atStop.Results < 24, $"the run was complete before the stop: {first.Log}");
        Assert.Equal(AuditRunStatus.Running, atStop.Status);
        var second = Serve(environment, null);
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

    private static ServeProcess Serve(IReadOnlyDictionary<string, string> environment, NotifySocket? notify, params string[] extra)
    {
        var start = new ProcessStartInfo(notify is null ? "dotnet" : "unshare")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (notify is not null)
        {
            foreach (var argument in new[] { "--pid", "--fork", "--mount-proc", "dotnet" })
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment["NOTIFY_SOCKET"] = notify.Path;
        }

        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "esfleet.dll"), "serve", "--urls", "http://127.0.0.1:0" })
        {
            start.ArgumentList.Add(argument);
        }

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
        return new ServeProcess(process, log, notify is not null);
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

    private sealed record ServeProcess(Process Process, StringBuilder Log, bool InNamespace)
    {
        /// <summary>The esfleet process: the started one, or the child unshare forked (PID 1 inside its namespace).</summary>
        public int ServePid() => InNamespace
            ? int.Parse(File.ReadAllText($"/proc/{Process.Id}/task/{Process.Id}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], System.Globalization.CultureInfo.InvariantCulture)
            : Process.Id;

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

    /// <summary>A systemd notification socket: a Unix datagram socket that keeps every message it receives.</summary>
    private sealed class NotifySocket : IDisposable
    {
        private readonly System.Net.Sockets.Socket _socket = new(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Unspecified);
        private readonly List<string> _messages = [];
        private readonly Task _receiving;

        public NotifySocket(string path)
        {
            Path = path;
            _socket.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(path));
            _receiving = Task.Run(async () =>
            {
                var buffer = new byte[4096];
                while (true)
                {
                    int read;
                    try
                    {
                        read = await _socket.ReceiveAsync(buffer, System.Net.Sockets.SocketFlags.None);
                    }
                    catch (Exception e) when (e is System.Net.Sockets.SocketException or ObjectDisposedException)
                    {
                        return;
                    }

                    lock (_messages)
                    {
                        _messages.AddRange(Encoding.UTF8.GetString(buffer, 0, read).Split('\n', StringSplitOptions.RemoveEmptyEntries));
                    }
                }
            });
        }

        public string Path { get; }

        public IReadOnlyList<string> Messages
        {
            get
            {
                lock (_messages)
                {
                    return [.. _messages];
                }
            }
        }

        public void Dispose()
        {
            _socket.Dispose();
            _receiving.Wait(TimeSpan.FromSeconds(5));
            File.Delete(Path);
        }
    }
}
