using ExchangeSmtpFleet.Core.Probing;

namespace ExchangeSmtpFleet.Core.Tests.Probing;

/// <summary>The process-wide probe limit of the job server: batches side by side never open more than the limit together.</summary>
public sealed class SharedProbeLimitTests
{
    [Fact]
    public async Task ProbesOfManyCallers_NeverExceedTheLimit_AndAllComplete()
    {
        var inner = new CountingProber();
        using var limit = new SharedProbeLimit(inner, 3);

        // Four "batches" of five probes each, all at once.
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => limit.ProbeAsync($"host{i}", 25, null, TestContext.Current.CancellationToken)));

        Assert.Equal(20, inner.Calls);
        Assert.Equal(3, inner.MostAtOnce);
        Assert.Equal(0, limit.InUse);
    }

    [Fact]
    public async Task AWaitingProbe_IsCancelled_WithoutTakingASlot()
    {
        var inner = new CountingProber { Hold = new TaskCompletionSource() };
        using var limit = new SharedProbeLimit(inner, 1);
        var first = limit.ProbeAsync("a", 25, null, TestContext.Current.CancellationToken);
        using var cancel = new CancellationTokenSource();
        var second = limit.ProbeAsync("b", 25, null, cancel.Token);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second);
        inner.Hold.SetResult();
        await first;

        Assert.Equal(1, inner.Calls);
        Assert.Equal(0, limit.InUse);
    }

    private sealed class CountingProber : IHostProber
    {
        private int _now;
        private int _most;
        private int _calls;

        public TaskCompletionSource? Hold { get; init; }

        public int MostAtOnce => Volatile.Read(ref _most);

        public int Calls => Volatile.Read(ref _calls);

        public ProbeOptions Options { get; } = new();

        public async Task<ProbeResult> ProbeAsync(string host, int port, Action<TranscriptLine>? onLine, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            var now = Interlocked.Increment(ref _now);
            int most;
            while (now > (most = Volatile.Read(ref _most)) && Interlocked.CompareExchange(ref _most, now, most) != most)
            {
            }

            await (Hold?.Task ?? Task.Delay(20, cancellationToken));
            Interlocked.Decrement(ref _now);
            return null!;
        }
    }
}
