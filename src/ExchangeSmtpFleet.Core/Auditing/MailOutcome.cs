namespace ExchangeSmtpFleet.Core.Auditing;

/// <summary>What became of a request to mail a run's report.</summary>
/// <param name="Kind">Sent, mailed before, not configured, failed, or busy elsewhere.</param>
/// <param name="At">When it was sent (now, or before).</param>
/// <param name="Detail">The recipients and relay when sent; the relay's answer when failed; the owner when busy.</param>
public sealed record MailOutcome(MailOutcomeKind Kind, DateTimeOffset? At, string Detail);
