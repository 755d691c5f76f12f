namespace ExchangeSmtpFleet.Infrastructure.Mail;

/// <summary>The report could not be mailed; the message names the relay and what it answered.</summary>
public sealed class MailException : Exception
{
    public MailException()
    {
    }

    public MailException(string message)
        : base(message)
    {
    }

    public MailException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
