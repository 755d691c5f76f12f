using System.Runtime.CompilerServices;
using System.Threading.Channels;
using ExchangeSmtpFleet.Core.Inventory;
using ExchangeSmtpFleet.Core.Probing;
using ExchangeSmtpFleet.Smtp.Probing;

namespace ExchangeSmtpFleet.Smtp.Fleet;

/// <summary>
/// Probes a fleet with a hard bound on concurrent sessions and streams what each probe saw as soon as it is done (the
/// caller judges it). Memory does not grow with the fleet: at most <c>concurrency</c> probes run and at most
/// <c>concurrency</c> finished probes wait for the consumer (back-pressure beyond that).
/// </summary>
public sealed class FleetProber(IHostProber prober, TimeProvider time) : IFleetProber
{
    /// <summary>The default bound on concurrent sessions (SPEC 5).</summary>
    public const int DefaultConcurrency = 64;

    /// <summary>How long a host may wait for a socket while this process is out of them before the scan gives up.</summary>
    public static readonly TimeSpan OutOfSocketsPatience = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan OutOfSocketsPause = TimeSpan.FromMilliseconds(100);

    /// <inheritdoc/>
    public async IAsyncEnumerable<ProbedHost> ProbeAsync(
        IReadOnlyList<InventoryHost> hosts,
        int concurrency,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        var channel = Channel.CreateBounded<ProbedHost>(new BoundedChannelOptions(concurrency)
        {
            SingleReader = true,

            // The consumer's loop body runs on the thread that finished the probe (with inline socket completions,
            // the socket engine's): no thread-pool hop and no idle worker spinning per host, which cost about a fifth
            // of the prober's CPU. The price is on the consumer: see ProbeAsync.
            AllowSynchronousContinuations = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var next = -1;
        var inFlight = 0;

        async Task WorkerAsync()
        {
            while (true)
            {
                var index = Interlocked.Increment(ref next);
                if (index >= hosts.Count || stop.IsCancellationRequested)
                {
                    return;
                }

                var host = hosts[index];
                Interlocked.Increment(ref inFlight);
                ProbeResult probe;
                try
                {
                    probe = await ProbeWithBackPressureAsync(host, stop.Token).ConfigureAwait(false);
                }
                finally
                {
                    Interlocked.Decrement(ref inFlight);
                }

                await channel.Writer.WriteAsync(new ProbedHost(host, probe, Volatile.Read(ref inFlight)), stop.Token).ConfigureAwait(false);
            }
        }

        // Out of file descriptors is this machine's shortage, not the host's: wait until other probes have closed
        // their sockets and probe the host again, so that every host still gets exactly one result of its own.
        async Task<ProbeResult> ProbeWithBackPressureAsync(InventoryHost host, CancellationToken token)
        {
            var waited = TimeSpan.Zero;
            while (true)
            {
                try
                {
                    return await prober.ProbeAsync(host.Host, host.Port, null, token).ConfigureAwait(false);
                }
                catch (OutOfSocketsException) when (waited < OutOfSocketsPatience)
                {
                    await Task.Delay(OutOfSocketsPause, time, token).ConfigureAwait(false);
                    waited += OutOfSocketsPause;
                }
                catch (OutOfSocketsException e)
                {
                    throw new OutOfSocketsException(
                        $"this machine had no socket to spare for {OutOfSocketsPatience.TotalMinutes:0} minutes ({e.Message}): lower the concurrency or raise the file descriptor limit (ulimit -n)", e);
                }
            }
        }

        var workers = Enumerable.Range(0, Math.Min(concurrency, Math.Max(hosts.Count, 1))).Select(_ => Task.Run(WorkerAsync, CancellationToken.None)).ToArray();
        var completion = Task.WhenAll(workers).ContinueWith(
            t => channel.Writer.TryComplete(t.Exception?.InnerExceptions.FirstOrDefault(e => e is not OperationCanceledException)),
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        try
        {
            await foreach (var probed in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return probed;
            }
        }
        finally
        {
            // The consumer stopped early or was cancelled: stop the workers and wait for them to release their sockets.
            await stop.CancelAsync().ConfigureAwait(false);
            await completion.ConfigureAwait(false);
            try
            {
                await Task.WhenAll(workers).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // expected when cancelled
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
    }
}
