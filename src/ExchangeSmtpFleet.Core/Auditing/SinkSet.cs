using System.Collections.Immutable;

namespace ExchangeSmtpFleet.Core.Auditing;

/// <summary>
/// The sinks of one probing, each behind its own <see cref="SinkPump"/>: outcomes go to every sink that has not failed; a
/// sink that stops the run cancels it, one that may be dropped is dropped. Completing it drains and completes every sink
/// and says which failed; the sinks are disposed by whoever opened them.
/// </summary>
internal sealed class SinkSet : IDisposable
{
    private readonly SinkPump[] _pumps;
    private readonly CancellationTokenSource _failure = new();

    /// <param name="sinks">The sinks with what their failure does.</param>
    /// <param name="capacity">Outcomes that may wait for one sink before the probing waits for it.</param>
    /// <param name="maxBatch">Most outcomes per write.</param>
    public SinkSet(IEnumerable<(IResultSink Sink, SinkFailurePolicy Policy)> sinks, int capacity, int maxBatch)
    {
        _pumps = [.. sinks.Select(s => new SinkPump(
            s.Sink, s.Policy, capacity, maxBatch, s.Policy == SinkFailurePolicy.StopRun ? _failure.Cancel : () => { }, _failure.Token))];
    }

    /// <summary>Cancelled when a sink that stops the run has failed.</summary>
    public CancellationToken Failed => _failure.Token;

    /// <summary>Queues an outcome for every sink that has not failed.</summary>
    public async ValueTask AddAsync(HostOutcome outcome, CancellationToken cancellationToken)
    {
        foreach (var pump in _pumps)
        {
            // False for a sink that failed: a stopping one has cancelled the run, a dropped one is skipped.
            await pump.AddAsync(outcome, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// No more outcomes: waits until every sink has written what is queued, completes the sinks that did not fail, and
    /// returns the first failure of a sink that stops the run and the failures of dropped sinks.
    /// </summary>
    public async Task<(string? Stopped, ImmutableArray<(IResultSink Sink, string Failure)> Dropped)> CompleteAsync()
    {
        await Task.WhenAll(_pumps.Select(p => p.DrainAsync())).ConfigureAwait(false);
        foreach (var pump in _pumps.Where(p => p.Failure is null))
        {
            try
            {
                await pump.Sink.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                pump.Failure = e;
            }
        }

        var stopped = _pumps.FirstOrDefault(p => p.Failure is not null && p.Policy == SinkFailurePolicy.StopRun);
        var dropped = _pumps.Where(p => p.Failure is not null && p.Policy == SinkFailurePolicy.Detach).Select(p => (p.Sink, Describe(p.Sink, p.Failure!)));
        return (stopped is null ? null : Describe(stopped.Sink, stopped.Failure!), [.. dropped]);
    }

    /// <summary>The sinks stay the callers' to dispose.</summary>
    public void Dispose() => _failure.Dispose();

    /// <summary>"name: message", unless the message names the sink itself (a store's errors start with the database).</summary>
    private static string Describe(IResultSink sink, Exception error) =>
        error.Message.StartsWith($"{sink.Name}: ", StringComparison.Ordinal) ? error.Message : $"{sink.Name}: {error.Message}";
}
