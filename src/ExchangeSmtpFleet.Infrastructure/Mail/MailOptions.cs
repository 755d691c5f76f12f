using System.Collections.Immutable;

namespace ExchangeSmtpFleet.Infrastructure.Mail;

/// <summary>Where and how the report is mailed.</summary>
/// <param name="Host">The relay.</param>
/// <param name="Port">Its port.</param>
/// <param name="Tls">How the connection is protected.</param>
/// <param name="User">The login, or null for a relay that accepts the audit machine without one.</param>
/// <param name="Password">The password (from the environment; never printed).</param>
/// <param name="From">The sender address.</param>
/// <param name="To">The recipients.</param>
/// <param name="MaxAttachmentBytes">A larger workbook is not attached; the mail says where it lies.</param>
/// <param name="TrustedThumbprint">SHA-1 thumbprint of a relay certificate to accept although it does not validate (an internal CA); null: the system's trust.</param>
/// <param name="Subject">The subject with <c>{date}</c>, <c>{run}</c>, <c>{unhealthy}</c> and <c>{hosts}</c> replaced; null: the report's title, date and counts.</param>
public sealed record MailOptions(
    string Host, int Port, MailTls Tls, string? User, string? Password, string From, ImmutableArray<string> To, long MaxAttachmentBytes, string? TrustedThumbprint,
    string? Subject = null)
{
    /// <summary>The password is never printed, not even by a record's generated text.</summary>
    /// <param name="builder">The text.</param>
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append(System.Globalization.CultureInfo.InvariantCulture, $"Host = {Host}, Port = {Port}, Tls = {Tls}, User = {User}, From = {From}, To = {string.Join(", ", To)}");
        return true;
    }
}
