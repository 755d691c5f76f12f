namespace ExchangeSmtpFleet.Core.Auditing;

/// <summary>What became of a run's mail at the relay.</summary>
/// <param name="Kind">Accepted, refused, or not sent because <c>Mail:When</c> did not want it.</param>
/// <param name="Recipients">To whom it went (when accepted).</param>
/// <param name="Detail">The relay when accepted (<c>smtp.corp:25</c>); its answer or the failure when refused; why not when not wanted.</param>
/// <param name="Note">What went wrong after the relay accepted the message (QUIT unanswered), for the log only; null when nothing did.</param>
public sealed record MailDelivery(MailDeliveryKind Kind, string Recipients, string Detail, string? Note = null)
{
    /// <summary>Whether the relay took the message.</summary>
    public bool Accepted => Kind == MailDeliveryKind.Accepted;

    /// <summary>The relay took it.</summary>
    /// <param name="recipients">To whom.</param>
    /// <param name="relay">Through which relay.</param>
    /// <param name="note">What went wrong after acceptance, or null.</param>
    public static MailDelivery Sent(string recipients, string relay, string? note = null) => new(MailDeliveryKind.Accepted, recipients, relay, note);

    /// <summary>The relay could not be reached or refused the message.</summary>
    /// <param name="answer">Its answer or the failure.</param>
    public static MailDelivery Refused(string answer) => new(MailDeliveryKind.Refused, string.Empty, answer);

    /// <summary>Not sent: <c>Mail:When</c> does not want this run mailed.</summary>
    /// <param name="reason">Why, one line.</param>
    public static MailDelivery NotWanted(string reason) => new(MailDeliveryKind.NotWanted, string.Empty, reason);
}

/// <summary>The kinds of <see cref="MailDelivery"/>.</summary>
public enum MailDeliveryKind
{
    /// <summary>The relay accepted the message (<c>250</c> after DATA): it counts as sent.</summary>
    Accepted = 0,

    /// <summary>The relay could not be reached or refused.</summary>
    Refused = 1,

    /// <summary>Not sent on purpose (<c>Mail:When</c>).</summary>
    NotWanted = 2,
}
