namespace ExchangeSmtpFleet.Core.Probing;

/// <summary>
/// A probe limit for a whole process: however many batches probe at once (the job server's workers), at most
/// <c>limit</c> probes are open together. A batch whose silent hosts wait out their time-out then keeps only those
/// slots, and the other batches' hosts use the rest; without it every batch waits its own slowest host one after the other.
/// </summary>
public sealed class SharedProbeLimit : IHostProber, IDisposable
{
    private readonly IHostProber _inner;
    private readonly SemaphoreSlim _slots;

    /// <summary>Limits <paramref name="inner"/> to <paramref name="limit"/> probes at a time.</summary>
    /// <param name="inner">The prober.</param>
    /// <param name="limit">Most probes open at the same time in this process.</param>
    public SharedProbeLimit(IHostProber inner, int limit)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        _inner = inner;
        _slots = new SemaphoreSlim(limit, limit);
        Limit = limit;
    }

    /// <summary>Most probes open at the same time.</summary>
    public int Limit { get; }

    /// <summary>Probes open now.</summary>
    public int InUse => Limit - _slots.CurrentCount;

    /// <inheritdoc/>
    public ProbeOptions Options => _inner.Options;

    /// <inheritdoc/>
    public async Task<ProbeResult> ProbeAsync(string host, int port, Action<TranscriptLine>? onLine, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await _inner.ProbeAsync(host, port, onLine, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _slots.Dispose();
}
