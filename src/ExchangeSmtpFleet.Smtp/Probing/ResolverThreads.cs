using System.Net;

namespace ExchangeSmtpFleet.Smtp.Probing;

/// <summary>
/// Runs the system's blocking name look-ups (<c>getaddrinfo</c>) on a few threads of their own (issue 18, item 14).
/// On Linux, <see cref="Dns.GetHostAddressesAsync(string)"/> blocks a thread-pool thread for each look-up, and a dead
/// resolver holds it for the resolver's own time-out (10 s with glibc's defaults), far past the probe's: 40 names at
/// concurrency 40 blocked the pool, its timers fired late and a 3 s deadline took 27 s. Here at most
/// <see cref="MaxThreads"/> look-ups block at once, none of them on the thread pool; a look-up waits in a queue for a
/// free thread, and one whose caller gave up (its token cancelled) leaves the queue at once and is never started. So
/// a dead resolver costs every name its time-out, no more, and a fleet behind it ends in about
/// names / concurrency x time-out. A look-up that has started cannot be stopped; its thread comes back when the system
/// resolver gives up.
/// </summary>
internal sealed class ResolverThreads
{
    /// <summary>The look-ups that may block at once by default (each holds a thread and, while it waits, a UDP socket).</summary>
    public const int DefaultThreads = 16;

    /// <summary>A thread with nothing to look up ends after this long.</summary>
    private static readonly TimeSpan IdleTime = TimeSpan.FromSeconds(30);

    private readonly Func<string, IPAddress[]> _lookUp;
    private readonly object _gate = new();
    private readonly LinkedList<Request> _queue = new();
    private int _threads;
    private int _idle;
    private long _started;

    /// <summary>A pool of at most <paramref name="maxThreads"/> threads running <paramref name="lookUp"/>.</summary>
    /// <param name="lookUp">The blocking look-up (<see cref="Dns.GetHostAddresses(string)"/>; tests: one that blocks).</param>
    /// <param name="maxThreads">The most look-ups running at once.</param>
    public ResolverThreads(Func<string, IPAddress[]> lookUp, int maxThreads = DefaultThreads)
    {
        ArgumentNullException.ThrowIfNull(lookUp);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxThreads, 1);
        _lookUp = lookUp;
        MaxThreads = maxThreads;
    }

    /// <summary>The process's resolver threads, shared by every prober that uses the system resolver.</summary>
    public static ResolverThreads Shared { get; } = new(Dns.GetHostAddresses);

    /// <summary>The most look-ups running at once.</summary>
    public int MaxThreads { get; }

    /// <summary>Look-ups started so far (tests).</summary>
    public long Started => Interlocked.Read(ref _started);

    /// <summary>Look-ups waiting for a thread (tests).</summary>
    public int Queued
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Resolves <paramref name="host"/> on a resolver thread.</summary>
    /// <returns>The addresses; faults as the look-up does (<see cref="System.Net.Sockets.SocketException"/>); cancelled when the token is, at once.</returns>
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<IPAddress[]>(cancellationToken);
        }

        var request = new Request(host);
        request.Cancellation = cancellationToken.Register(() =>
        {
            lock (_gate)
            {
                if (request.Node?.List is not null)
                {
                    _queue.Remove(request.Node);
                }
            }

            request.Result.TrySetCanceled(cancellationToken);
        });
        lock (_gate)
        {
            if (request.Result.Task.IsCompleted)
            {
                return request.Result.Task; // cancelled while registering
            }

            request.Node = _queue.AddLast(request);
            if (_idle > 0)
            {
                Monitor.Pulse(_gate);
            }

            // A woken thread counts as idle until it runs: more queued look-ups than waiting threads need more threads.
            if (_queue.Count > _idle && _threads < MaxThreads)
            {
                _threads++;
                new Thread(Run) { IsBackground = true, Name = "esfleet resolver" }.Start();
            }
        }

        return request.Result.Task;
    }

    private void Run()
    {
        while (Next() is { } request)
        {
            try
            {
                Interlocked.Increment(ref _started);
                request.Result.TrySetResult(_lookUp(request.Host));
            }
            catch (Exception e)
            {
                request.Result.TrySetException(e);
            }
            finally
            {
                request.Cancellation.Dispose();
            }
        }
    }

    /// <summary>The next look-up to run, or null when this thread has waited <see cref="IdleTime"/> for one and ends.</summary>
    private Request? Next()
    {
        lock (_gate)
        {
            while (_queue.First is null)
            {
                _idle++;
                var woken = Monitor.Wait(_gate, IdleTime);
                _idle--;
                if (!woken && _queue.First is null)
                {
                    _threads--;
                    return null;
                }
            }

            var request = _queue.First.Value;
            _queue.RemoveFirst();
            request.Node = null;
            return request;
        }
    }

    private sealed class Request(string host)
    {
        public string Host { get; } = host;

        /// <summary>Continuations run on the thread pool, never on a resolver thread (they would hold it).</summary>
        public TaskCompletionSource<IPAddress[]> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Request>? Node { get; set; }

        public CancellationTokenRegistration Cancellation { get; set; }
    }
}
