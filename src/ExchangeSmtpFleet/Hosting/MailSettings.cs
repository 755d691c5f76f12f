using System.Collections.Immutable;
using ExchangeSmtpFleet.Infrastructure.Mail;
using MimeKit;

namespace ExchangeSmtpFleet.Hosting;

/// <summary>
/// Where <c>esfleet report --email</c> sends the workbook: configuration section <c>Mail</c>. The password comes from the
/// environment (<c>ESF_Mail__Password</c>) or user secrets, never from a file that is checked in, and is never printed.
/// </summary>
internal sealed class MailSettings : ISettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Mail";

    /// <summary>The relay; empty: mail is not configured (only <c>--email</c> needs it).</summary>
    public string? Host { get; set; }

    /// <summary>The relay's port.</summary>
    public int Port { get; set; } = 25;

    /// <summary><c>Auto</c> (STARTTLS when the relay offers it, else plain; the default), <c>StartTls</c> (required), <c>Implicit</c> or <c>None</c>.</summary>
    public string Tls { get; set; } = nameof(MailTls.Auto);

    /// <summary>When a run is mailed: <c>Always</c> (the default), <c>Findings</c> or <c>Changes</c>.</summary>
    public string When { get; set; } = nameof(MailWhen.Always);

    /// <summary>The whole dialogue with the relay at most this long, in seconds (a relay that drips its answers).</summary>
    public int DeadlineSeconds { get; set; } = MailOptions.DefaultDeadlineSeconds;

    /// <summary>The login; empty for a relay that accepts the audit machine without one.</summary>
    public string? User { get; set; }

    /// <summary>The password (environment or user secrets).</summary>
    public string? Password { get; set; }

    /// <summary>The sender address.</summary>
    public string? From { get; set; }

    /// <summary>The recipients, comma or semicolon separated.</summary>
    public string? To { get; set; }

    /// <summary>The subject; <c>{date}</c>, <c>{run}</c>, <c>{unhealthy}</c>, <c>{hosts}</c>, <c>{action}</c> and <c>{new}</c> are replaced. Empty: the report's title, date and the Exchange servers that need action.</summary>
    public string? Subject { get; set; }

    /// <summary>A larger workbook is not attached; the mail says where it lies.</summary>
    public long MaxAttachmentBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>SHA-1 thumbprint of the relay's certificate, accepted although it does not validate (an internal CA).</summary>
    public string? TrustedThumbprint { get; set; }

    /// <summary>Whether a relay is configured.</summary>
    public bool Configured => !string.IsNullOrWhiteSpace(Host);

    /// <summary>The recipients as a list.</summary>
    public ImmutableArray<string> Recipients =>
        [.. (To ?? string.Empty).Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    /// <summary>
    /// What is wrong with the values, every problem at once, one line each, naming the setting (the password is never shown).
    /// </summary>
    /// <param name="required">Mail is asked for (<c>--email</c>, <c>Audit:Email</c>): a missing relay, sender or recipient is a problem too.</param>
    public IEnumerable<string> Problems(bool required = false)
    {
        if (!Enum.TryParse<MailTls>(Tls, ignoreCase: true, out var tls) || !Enum.IsDefined(tls) || int.TryParse(Tls, out _))
        {
            yield return $"{Section}:{nameof(Tls)} must be Auto, StartTls, Implicit or None, not '{Tls}'";
        }

        if (!Enum.TryParse<MailWhen>(When, ignoreCase: true, out var when) || !Enum.IsDefined(when) || int.TryParse(When, out _))
        {
            yield return $"{Section}:{nameof(When)} must be Always, Findings or Changes, not '{When}'";
        }

        if (DeadlineSeconds is < 5 or > 3600)
        {
            yield return $"{Section}:{nameof(DeadlineSeconds)} must be 5-3600, not {DeadlineSeconds}";
        }

        if (Port is < 1 or > 65535)
        {
            yield return $"{Section}:{nameof(Port)} must be between 1 and 65535, not {Port}";
        }

        if (MaxAttachmentBytes < 0)
        {
            yield return $"{Section}:{nameof(MaxAttachmentBytes)} must not be negative, not {MaxAttachmentBytes}";
        }

        if (!Configured)
        {
            if (!required)
            {
                yield break;
            }

            // Asked for mail: name everything that is missing, not one setting per start.
            yield return $"{Section}:{nameof(Host)} is not set (the mail relay)";
        }

        if (!MailboxAddress.TryParse(From ?? string.Empty, out _))
        {
            yield return $"{Section}:{nameof(From)} must be a mail address, not '{From}'";
        }

        if (Recipients.IsEmpty)
        {
            yield return $"{Section}:{nameof(To)} needs at least one recipient";
        }

        foreach (var to in Recipients.Where(t => !MailboxAddress.TryParse(t, out _)))
        {
            yield return $"{Section}:{nameof(To)}: '{to}' is not a mail address";
        }

        if (!string.IsNullOrEmpty(User) && string.IsNullOrEmpty(Password))
        {
            yield return $"{Section}:{nameof(User)} is set but {Section}:{nameof(Password)} is empty (set ESF_Mail__Password or a user secret)";
        }
    }

    /// <inheritdoc/>
    IEnumerable<string> ISettings.Problems() => Problems(required: false);

    /// <summary>What is risky but allowed, one line each, naming the setting: a login over plain SMTP crosses in clear.</summary>
    public IEnumerable<string> Warnings()
    {
        if (Configured && !string.IsNullOrEmpty(User) && Enum.TryParse<MailTls>(Tls, ignoreCase: true, out var tls) && tls == MailTls.None)
        {
            yield return $"{Section}:{nameof(Tls)} is None and {Section}:{nameof(User)} is set: the password crosses the network in clear (Auto or StartTls protects it)";
        }
    }

    /// <summary>The mailer's options (call only when <see cref="Configured"/> and without problems).</summary>
    /// <param name="dashboardUrl">The dashboard's public address (<c>Dashboard:PublicUrl</c>), linked from the mail; null: no link.</param>
    public MailOptions ToOptions(Uri? dashboardUrl = null) => new(
        Host!, Port, Enum.Parse<MailTls>(Tls, ignoreCase: true), string.IsNullOrEmpty(User) ? null : User, Password, From!, Recipients, MaxAttachmentBytes,
        string.IsNullOrWhiteSpace(TrustedThumbprint) ? null : TrustedThumbprint, string.IsNullOrWhiteSpace(Subject) ? null : Subject,
        Enum.Parse<MailWhen>(When, ignoreCase: true), dashboardUrl, DeadlineSeconds);
}
