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
/// <param name="Subject">The subject with <c>{date}</c>, <c>{run}</c>, <c>{unhealthy}</c>, <c>{hosts}</c>, <c>{action}</c> and <c>{new}</c> replaced; null: the report's title, date and the Exchange servers that need action.</param>
/// <param name="When">When a run is mailed (<see cref="MailPolicy"/>).</param>
/// <param name="DashboardUrl">The dashboard's public address (<c>Dashboard:PublicUrl</c>); the mail links the run's page under it. Null: no link.</param>
/// <param name="DeadlineSeconds">The whole dialogue with the relay, connect to the message accepted, at most this long.</param>
public sealed record MailOptions(
    string Host, int Port, MailTls Tls, string? User, string? Password, string From, ImmutableArray<string> To, long MaxAttachmentBytes, string? TrustedThumbprint,
    string? Subject = null, MailWhen When = MailWhen.Always, Uri? DashboardUrl = null, int DeadlineSeconds = MailOptions.DefaultDeadlineSeconds)
{
    /// <summary>The default of <see cref="DeadlineSeconds"/>: two minutes.</summary>
    public const int DefaultDeadlineSeconds = 120;

    /// <summary>The page of <paramref name="runId"/> on the dashboard, or null without <see cref="DashboardUrl"/>.</summary>
    /// <param name="runId">The run.</param>
    public Uri? RunPage(string runId) =>
        DashboardUrl is null ? null : new Uri(DashboardUrl, $"{DashboardUrl.AbsolutePath.TrimEnd('/')}/hangfire/audit/run/{Uri.EscapeDataString(runId)}");

    /// <summary>The password is never printed, not even by a record's generated text.</summary>
    /// <param name="builder">The text.</param>
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append(System.Globalization.CultureInfo.InvariantCulture, $"Host = {Host}, Port = {Port}, Tls = {Tls}, User = {User}, From = {From}, To = {string.Join(", ", To)}");
        return true;
    }
}
