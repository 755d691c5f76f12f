using ExchangeSmtpFleet.Core.Probing;

namespace ExchangeSmtpFleet.Jobs;

/// <summary>
/// Records every probe's duration in <see cref="AuditMeter"/> where the probe finishes: around the prober, in the executable,
/// so Core's workflow stays free of metrics. The duration is the prober's own measure (<see cref="ProbeTimings.TotalMs"/>),
/// not the time waited for a slot of the process's probe limit (this wraps the prober inside that limit).
/// </summary>
/// <param name="inner">The prober.</param>
/// <param name="meter">The meter.</param>
internal sealed class MeasuredProber(IHostProber inner, AuditMeter meter) : IHostProber
{
    public ProbeOptions Options => inner.Options;

    public async Task<ProbeResult> ProbeAsync(string host, int port, Action<TranscriptLine>? onLine, CancellationToken cancellationToken)
    {
        var result = await inner.ProbeAsync(host, port, onLine, cancellationToken).ConfigureAwait(false);
        meter.Probe(result.Timings.TotalMs / 1000.0, result.Observation.Failure?.Reason.ToString() ?? "answered");
        return result;
    }
}
