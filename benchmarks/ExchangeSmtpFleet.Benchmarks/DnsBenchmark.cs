using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ExchangeSmtpFleet.Core.Probing;
using ExchangeSmtpFleet.Smtp.Probing;

namespace ExchangeSmtpFleet.Benchmarks;

/// <summary>
/// Probes NAMES distinct host names at CONCURRENCY with a connect time-out of TIMEOUT seconds through the system resolver
/// (issue 18, item 14), and prints the wall time against the ideal (names / concurrency x time-out), the verdicts, the
/// thread pool's growth and how late a 100 ms timer on the thread pool woke up at worst (its starvation).
/// For a dead resolver, run it in a private mount namespace whose resolv.conf names a server that never answers, with
/// <c>--blackhole</c> binding that server's UDP port here and dropping every query:
/// <code>
/// unshare -m bash -c 'echo "nameserver 127.0.0.99" > /tmp/dead-resolv.conf &amp;&amp; mount --bind /tmp/dead-resolv.conf /etc/resolv.conf &amp;&amp;
///   dotnet benchmarks/ExchangeSmtpFleet.Benchmarks/bin/Release/net10.0/ExchangeSmtpFleet.Benchmarks.dll dns 40 40 3 --blackhole 127.0.0.99'
/// </code>
/// </summary>
internal static class DnsBenchmark
{
    public static async Task RunAsync(int names, int concurrency, int timeoutSeconds, string? blackhole)
    {
        using var sink = blackhole is null ? null : new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        sink?.Bind(new IPEndPoint(IPAddress.Parse(blackhole!), 53)); // bound, never read: every query is dropped

        var timeout = TimeSpan.FromSeconds(timeoutSeconds);
        var prober = new SmtpProber(
            new ProbeOptions { EhloName = "bench.test", ConnectTimeout = timeout, HostDeadline = timeout * 4, ConnectRetries = 0, StartTls = false },
            TimeProvider.System);
        var hosts = Enumerable.Range(0, names).Select(i => string.Create(CultureInfo.InvariantCulture, $"host-{i:D5}.dead-resolver.example")).ToList();

        using var stop = new CancellationTokenSource();
        var lag = TimeSpan.Zero;
        var threads = ThreadPool.ThreadCount;
        var watchdog = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var before = Stopwatch.GetTimestamp();
                await Task.Delay(100, CancellationToken.None).ConfigureAwait(false);
                var late = Stopwatch.GetElapsedTime(before) - TimeSpan.FromMilliseconds(100);
                lag = late > lag ? late : lag;
                threads = Math.Max(threads, ThreadPool.ThreadCount);
            }
        });

        var reasons = new System.Collections.Concurrent.ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(hosts, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (host, token) =>
        {
            var result = await prober.ProbeAsync(host, 25, null, token).ConfigureAwait(false);
            reasons.AddOrUpdate(result.Observation.Failure?.Reason.ToString() ?? "none", 1, (_, n) => n + 1);
        }).ConfigureAwait(false);
        watch.Stop();
        await stop.CancelAsync().ConfigureAwait(false);
        await watchdog.ConfigureAwait(false);

        var ideal = Math.Ceiling(names / (double)concurrency) * timeoutSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"dns: {names} names, concurrency {concurrency}, time-out {timeoutSeconds} s: {watch.Elapsed.TotalSeconds:0.0} s (ideal {ideal:0} s, {watch.Elapsed.TotalSeconds / ideal:0.00}x); "
            + $"{string.Join(", ", reasons.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key} {r.Value}"))}; "
            + $"thread pool up to {threads} threads; worst timer lag {lag.TotalMilliseconds:0} ms"));
    }
}
