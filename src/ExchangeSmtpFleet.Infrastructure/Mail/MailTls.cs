namespace ExchangeSmtpFleet.Infrastructure.Mail;

/// <summary>How the connection to the mail relay is protected.</summary>
public enum MailTls
{
    /// <summary>Plain SMTP (a relay on the same machine or network segment only).</summary>
    None = 0,

    /// <summary>SMTP upgraded with STARTTLS (port 587 or 25); refused if the relay does not offer it.</summary>
    StartTls = 1,

    /// <summary>TLS from the first byte (port 465).</summary>
    Implicit = 2,
}
