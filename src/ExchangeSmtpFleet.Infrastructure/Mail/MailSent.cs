namespace ExchangeSmtpFleet.Infrastructure.Mail;

/// <summary>A message the relay accepted (<c>250</c> after DATA): it counts as sent from that moment, whatever QUIT does.</summary>
/// <param name="AcceptedAt">When the relay accepted it (UTC).</param>
/// <param name="QuitProblem">What went wrong after that (QUIT not answered in time, the connection lost), only for the log; null when the relay said goodbye.</param>
public sealed record MailSent(DateTimeOffset AcceptedAt, string? QuitProblem);
