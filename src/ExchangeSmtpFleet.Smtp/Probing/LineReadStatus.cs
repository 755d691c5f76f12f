namespace ExchangeSmtpFleet.Smtp.Probing;

/// <summary>Outcome of reading one line from the server.</summary>
internal enum LineReadStatus
{
    Line,
    Closed,
    LineTooLong,
    SessionTooLong,
    NotSmtp,
}
