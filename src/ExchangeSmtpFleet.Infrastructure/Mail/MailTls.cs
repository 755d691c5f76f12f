namespace ExchangeSmtpFleet.Infrastructure.Mail;

/// <summary>How the connection to the mail relay is protected.</summary>
public enum MailTls
{
    /// <summary>Plain SMTP (a relay on the same machine or network segment only); a login then crosses in clear.</summary>
    None = 0,

    /// <summary>SMTP upgraded with STARTTLS (port 587 or 25); refused if the relay does not offer it.</summary>
    StartTls = 1,

    /// <summary>TLS from the first byte (port 465).</summary>
    Implicit = 2,

    /// <summary>
    /// STARTTLS when the relay offers it (its certificate validated as for <see cref="StartTls"/>), plain SMTP when it does
    /// not; a login is then not sent (the password would cross in clear).
    /// </summary>
    Auto = 3,
}
