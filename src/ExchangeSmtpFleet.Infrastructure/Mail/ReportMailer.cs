using System.Globalization;
using System.Net;
using System.Text;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Knowledge;
using ExchangeSmtpFleet.Core.Storage;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace ExchangeSmtpFleet.Infrastructure.Mail;

/// <summary>
/// Mails a run's workbook to management: an HTML body (hosts per verdict, new problems, the hosts to act on first) with a
/// plain-text alternative, in the report's language, and the workbook attached (or, when it is too large, where it lies).
/// </summary>
public static class ReportMailer
{
    /// <summary>Builds the message (without sending it).</summary>
    /// <param name="options">Sender and recipients.</param>
    /// <param name="run">The run.</param>
    /// <param name="figures">Its results, counted (<see cref="MailFigures"/>).</param>
    /// <param name="changes">Its changes against the run before.</param>
    /// <param name="workbook">The workbook file.</param>
    /// <param name="language">The language of the texts.</param>
    public static MimeMessage Compose(MailOptions options, StoredRun run, MailFigures figures, RunChanges changes, string workbook, Language language)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(figures);
        ArgumentNullException.ThrowIfNull(changes);
        var knowledge = KnowledgeBase.BuiltIn;
        string L(Label label) => knowledge.LabelText(label, language);
        string Title(Verdict verdict) => knowledge.VerdictTitle(verdict, language);
        var culture = LanguageCodes.CultureOf(language);
        var notHealthy = figures.NotHealthy;
        var newProblems = changes.Changes.Where(c => c.Kind == ChangeKind.NewProblem).ToList();
        var actFirst = figures.ActFirst;

        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(options.From));
        foreach (var to in options.To)
        {
            message.To.Add(MailboxAddress.Parse(to));
        }

        // ISO dates: unambiguous for every reader of a mail that travels.
        var date = run.StartedAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        message.Subject = options.Subject is { } subject
            ? subject.Replace("{date}", date, StringComparison.Ordinal).Replace("{run}", run.RunId, StringComparison.Ordinal)
                .Replace("{unhealthy}", notHealthy.ToString(culture), StringComparison.Ordinal).Replace("{hosts}", figures.Total.ToString(culture), StringComparison.Ordinal)
            : string.Create(culture, $"{L(Label.ReportTitle)} {date}: {notHealthy} / {figures.Total} {L(Label.ReportNotHealthy)}");

        var text = new StringBuilder();
        var html = new StringBuilder("<html><body style=\"font-family:Segoe UI,Arial,sans-serif\">");
        html.Append(CultureInfo.InvariantCulture, $"<h2>{Html(L(Label.ReportTitle))}: {Html(run.RunId)}</h2>");
        text.AppendLine(CultureInfo.InvariantCulture, $"{L(Label.ReportTitle)}: {run.RunId}").AppendLine();

        html.Append(CultureInfo.InvariantCulture, $"<table border=\"1\" cellpadding=\"4\" style=\"border-collapse:collapse\"><tr><th>{Html(L(Label.Verdict))}</th><th>{Html(L(Label.ReportHosts))}</th></tr>");
        foreach (var verdict in Enum.GetValues<Verdict>())
        {
            var count = figures.Count(verdict).ToString(culture);
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{Html(Title(verdict))}</td><td align=\"right\">{count}</td></tr>");
            text.AppendLine(CultureInfo.InvariantCulture, $"{Title(verdict),-40} {count,6}");
        }

        html.Append("</table>");
        Section(html, text, L(Label.MailNewProblems), [.. newProblems.Select(c => $"{c.HostKey} {c.Name} ({(c.After is { } after ? Title(after) : string.Empty)})")], L(Label.ReportNone));
        Section(html, text, L(Label.MailActFirst), [.. actFirst.Select(r =>
            $"{r.HostKey} {r.Name} {r.Site}: {Title(r.Verdict)}; {L(Label.Missing)}: {string.Join(", ", r.Missing)}{(r.VerdictSince is { } since ? string.Create(CultureInfo.InvariantCulture, $"; {L(Label.ReportSince)}: {since.UtcDateTime:yyyy-MM-dd}") : string.Empty)}")], L(Label.ReportNone));

        var builder = new BodyBuilder();
        var file = new FileInfo(workbook);
        if (file.Length <= options.MaxAttachmentBytes)
        {
            builder.Attachments.Add(file.Name, File.ReadAllBytes(workbook), ContentType.Parse("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
        }
        else
        {
            var where = $"{L(Label.MailNotAttached)}: {file.FullName} ({file.Length.ToString("N0", culture)} bytes)";
            html.Append(CultureInfo.InvariantCulture, $"<p>{Html(where)}</p>");
            text.AppendLine().AppendLine(where);
        }

        html.Append("</body></html>");
        builder.HtmlBody = html.ToString();
        builder.TextBody = text.ToString();
        message.Body = builder.ToMessageBody();
        return message;
    }

    /// <summary>Sends the message through the relay.</summary>
    /// <param name="options">The relay.</param>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancels the dialogue.</param>
    /// <exception cref="MailException">The relay refused or could not be reached; the message says what it answered.</exception>
    public static async Task SendAsync(MailOptions options, MimeMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var client = new SmtpClient { Timeout = 60_000, CheckCertificateRevocation = false };
        if (options.TrustedThumbprint is { Length: > 0 } thumbprint)
        {
            // The relay's certificate is pinned: accepted when it validates or when it is exactly the one configured.
            client.ServerCertificateValidationCallback = (_, certificate, _, errors) =>
                errors == System.Net.Security.SslPolicyErrors.None
                || string.Equals(certificate?.GetCertHashString(), thumbprint.Replace(" ", string.Empty, StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
        }

        try
        {
            var security = options.Tls switch
            {
                MailTls.Implicit => SecureSocketOptions.SslOnConnect,
                MailTls.StartTls => SecureSocketOptions.StartTls,
                _ => SecureSocketOptions.None,
            };
            await client.ConnectAsync(options.Host, options.Port, security, cancellationToken).ConfigureAwait(false);
            if (!string.IsNullOrEmpty(options.User))
            {
                await client.AuthenticateAsync(options.User, options.Password ?? string.Empty, cancellationToken).ConfigureAwait(false);
            }

            await client.SendAsync(message, cancellationToken).ConfigureAwait(false);
            await client.DisconnectAsync(quit: true, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is MailKit.CommandException or MailKit.ProtocolException or AuthenticationException or SslHandshakeException
            or System.Net.Sockets.SocketException or IOException or TimeoutException or MailKit.ServiceNotConnectedException
            or MailKit.ServiceNotAuthenticatedException or NotSupportedException)
        {
            // NotSupportedException: the relay lacks what the settings ask for (STARTTLS, AUTH).
            var answer = e is SmtpCommandException command ? $"{(int)command.StatusCode} {command.Message}" : e.Message;
            throw new MailException($"mail relay {options.Host}:{options.Port}: {answer.Trim().TrimEnd('.')}", e);
        }
    }

    private static void Section(StringBuilder html, StringBuilder text, string title, List<string> lines, string none)
    {
        html.Append(CultureInfo.InvariantCulture, $"<h3>{Html(title)}</h3><ul>");
        text.AppendLine().AppendLine(title);
        foreach (var line in lines.DefaultIfEmpty(none))
        {
            html.Append(CultureInfo.InvariantCulture, $"<li>{Html(line)}</li>");
            text.AppendLine(CultureInfo.InvariantCulture, $"- {line}");
        }

        html.Append("</ul>");
    }

    private static string Html(string text) => WebUtility.HtmlEncode(text);
}
