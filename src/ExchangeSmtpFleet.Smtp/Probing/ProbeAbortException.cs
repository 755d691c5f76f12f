using ExchangeSmtpFleet.Core.Classification;

namespace ExchangeSmtpFleet.Smtp.Probing;

/// <summary>Ends a dialogue early inside <see cref="SmtpProber"/>; never escapes it (it becomes <see cref="ProbeFailure"/>).</summary>
internal sealed class ProbeAbortException(Reason reason, string detail) : Exception(detail)
{
    public Reason Reason { get; } = reason;
}
