using System.Threading.Channels;

namespace ExchangeSmtpFleet.Core.Auditing;

/// <summary>
/// Carries outcomes from the probing threads to one <see cref="IResultSink"/> on a task of its own, in batches of
/// whatever has arrived (see <see cref="IResultSink"/> for the contract this implements).
/// </summary>
internal sealed class SinkPump
{
    private readonly Channel<HostOutcome> _queue;
    private readonly IResultSink _sink;
    private readonly Action _failed;
    private readonly CancellationToken _failToken;
    private readonly Task _task;

    /// <param name="sink">The sink.</param>
    /// <param name="policy">What the sink's failure does to the run.</param>
    /// <param name="capacity">Outcomes that may wait before the probing waits for the sink.</param>
    /// <param name="maxBatch">Most outcomes per <see cref="IResultSink.WriteAsync"/>.</param>
    /// <param name="failed">Called once when the sink throws, to stop the run.</param>
    /// <param name="failToken">Cancelled when the run fails (by this sink or another).</param>
    public SinkPump(IResultSink sink, SinkFailurePolicy policy, int capacity, int maxBatch, Action failed, CancellationToken failToken)
    {
        _sink = sink;
        Policy = policy;
        _failed = failed;
        _failToken = failToken;
        _queue = Channel.CreateBounded<HostOutcome>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });

        // Task.Run: the first WriteAsync must not run on the thread that constructs the pump.
        _task = Task.Run(() => PumpAsync(maxBatch), CancellationToken.None);
    }

    public IResultSink Sink => _sink;

    /// <summary>What the sink's failure does to the run.</summary>
    public SinkFailurePolicy Policy { get; }

    /// <summary>The sink's exception, once it threw.</summary>
    public Exception? Failure { get; set; }

    /// <summary>Queues an outcome; waits (asynchronously) only while the queue is full. A failed sink takes nothing more.</summary>
    /// <returns>False when the sink has failed and takes nothing more.</returns>
    public async ValueTask<bool> AddAsync(HostOutcome outcome, CancellationToken cancellationToken)
    {
        if (Failure is not null)
        {
            return false;
        }

        if (_queue.Writer.TryWrite(outcome))
        {
            return true;
        }

        try
        {
            await _queue.Writer.WriteAsync(outcome, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ChannelClosedException)
        {
            return false;
        }
    }

    /// <summary>No more outcomes: waits until the sink has written what is queued (or has failed).</summary>
    public Task DrainAsync()
    {
        _queue.Writer.TryComplete();
        return _task;
    }

    private async Task PumpAsync(int maxBatch)
    {
        var batch = new List<HostOutcome>(Math.Min(maxBatch, 64));
        try
        {
            while (await _queue.Reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                while (batch.Count < maxBatch && _queue.Reader.TryRead(out var outcome))
                {
                    batch.Add(outcome);
                }

                await _sink.WriteAsync(batch, _failToken).ConfigureAwait(false);
                batch.Clear();
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !_failToken.IsCancellationRequested)
        {
            Failure = e;
            _queue.Writer.TryComplete(e);
            _failed();
        }
        catch (OperationCanceledException)
        {
            // Another sink failed and the run is over; what is queued is dropped with it.
        }
    }
}
