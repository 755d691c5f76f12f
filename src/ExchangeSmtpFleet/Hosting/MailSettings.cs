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

    /// <summary><c>None</c>, <c>StartTls</c> or <c>Implicit</c>.</summary>
    public string Tls { get; set; } = nameof(MailTls.StartTls);

    /// <summary>The login; empty for a relay that accepts the audit machine without one.</summary>
    public string? User { get; set; }

    /// <summary>The password (environment or user secrets).</summary>
    public string? Password { get; set; }

    /// <summary>The sender address.</summary>
    public string? From { get; set; }

    /// <summary>The recipients, comma or semicolon separated.</summary>
    public string? To { get; set; }

    /// <summary>The subject; <c>{date}</c>, <c>{run}</c>, <c>{unhealthy}</c> and <c>{hosts}</c> are replaced. Empty: the report's title, date and counts.</summary>
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

    /// <summary>What is wrong with the values, one line each, naming the setting (the password is never shown).</summary>
    public IEnumerable<string> Problems()
    {
        if (!Enum.TryParse<MailTls>(Tls, ignoreCase: true, out var tls) || !Enum.IsDefined(tls) || int.TryParse(Tls, out _))
        {
            yield return $"{Section}:{nameof(Tls)} must be None, StartTls or Implicit, not '{Tls}'";
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
            yield break;
        }

        if (!MailboxAddress.TryParse(From ?? string.Empty, out _))
        {
            yield return $"{Section}:{nameof(From)} must be a mail address, not '{From}'";
        }

        if (Recipients.IsEmpty)
        {
            yield return $"{Section}:{nameof(To)} needs at least one recipient when {Section}:{nameof(Host)} is set";
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

    /// <summary>The mailer's options (call only when <see cref="Configured"/> and without problems).</summary>
    public MailOptions ToOptions() => new(
        Host!, Port, Enum.Parse<MailTls>(Tls, ignoreCase: true), string.IsNullOrEmpty(User) ? null : User, Password, From!, Recipients, MaxAttachmentBytes,
        string.IsNullOrWhiteSpace(TrustedThumbprint) ? null : TrustedThumbprint, string.IsNullOrWhiteSpace(Subject) ? null : Subject);
}
