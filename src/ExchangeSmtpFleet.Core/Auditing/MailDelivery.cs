namespace ExchangeSmtpFleet.Core.Auditing;

/// <summary>What the relay did with a run's mail.</summary>
/// <param name="Accepted">Whether the relay took the message.</param>
/// <param name="Recipients">To whom it went (when accepted).</param>
/// <param name="Detail">The relay when accepted (<c>smtp.corp:25</c>); its answer or the failure when not.</param>
public sealed record MailDelivery(bool Accepted, string Recipients, string Detail);
