namespace ExchangeSmtpFleet.Core.Probing;

/// <summary>Probes one host: the SMTP dialogue of SPEC 5 (implemented by the Smtp project's prober).</summary>
public interface IHostProber
{
    /// <summary>The options every probe of this prober uses.</summary>
    ProbeOptions Options { get; }

    /// <summary>Probes <paramref name="host"/>:<paramref name="port"/>. Every failure of the host is data in the result.</summary>
    /// <param name="host">DNS name or IP literal.</param>
    /// <param name="port">TCP port.</param>
    /// <param name="onLine">Called for every transcript line as it happens (live display), or null.</param>
    /// <param name="cancellationToken">The caller's cancellation; a time-out is never reported as cancellation.</param>
    /// <exception cref="OperationCanceledException">Only when <paramref name="cancellationToken"/> was cancelled.</exception>
    Task<ProbeResult> ProbeAsync(string host, int port, Action<TranscriptLine>? onLine, CancellationToken cancellationToken);
}
