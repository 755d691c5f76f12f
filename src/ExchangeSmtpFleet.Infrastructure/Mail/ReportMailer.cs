using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Knowledge;
using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Infrastructure.Reporting;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace ExchangeSmtpFleet.Infrastructure.Mail;

/// <summary>
/// Mails a run's workbook to management (issue 19): the subject and a headline say how many Exchange servers need action;
/// the body names what to do per server, the hosts that could not be checked in one quieter line, the counts per verdict
/// in their colours, new problems and hosts added or removed, that the workbook is attached (or where it lies) and the
/// run's page on the dashboard. HTML that reads on a phone, with a plain-text alternative, in the report's language.
/// </summary>
public static class ReportMailer
{
    /// <summary>The most bytes a relay may send without an answer being asked for (<see cref="BoundedReplyStream"/>).</summary>
    public const int MaxReplyBytes = 1024 * 1024;

    /// <summary>How long QUIT may take once the message is accepted; then the connection is dropped, the mail stays sent.</summary>
    public static readonly TimeSpan QuitTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Hosts added or removed that the mail names, each kind.</summary>
    private const int ListedChanges = 20;

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
        var formats = ReportFormats.For(language);
        string L(Label label) => knowledge.LabelText(label, language);
        string Title(Verdict verdict) => knowledge.VerdictTitle(verdict, language);
        var hasPrevious = changes.SinceRunId is not null;
        var newToAction = hasPrevious ? figures.NewToAction : 0;

        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(options.From));
        foreach (var to in options.To)
        {
            message.To.Add(MailboxAddress.Parse(to));
        }

        // The date as the workbook writes it: 06.12.2026 in German, 2026-12-06 in English.
        var date = formats.Date(run.StartedAt);
        var action = figures.NeedAction switch
        {
            0 => L(Label.MailNeedActionNone),
            1 => formats.Format(L(Label.MailNeedActionOne), formats.Number(1)),
            var n => formats.Format(L(Label.MailNeedActionMany), formats.Number(n)),
        };
        var subjectText = new StringBuilder($"{L(Label.ReportTitle)} {date}: {action}");
        if (newToAction > 0)
        {
            subjectText.Append(CultureInfo.InvariantCulture, $" ({formats.Format(L(Label.ActionNew), formats.Number(newToAction))})");
        }

        if (figures.CouldNotCheck > 0)
        {
            subjectText.Append(CultureInfo.InvariantCulture, $"; {formats.Format(L(Label.MailNotChecked), formats.Number(figures.CouldNotCheck))}");
        }

        message.Subject = options.Subject is { } subject
            ? subject.Replace("{date}", date, StringComparison.Ordinal).Replace("{run}", run.RunId, StringComparison.Ordinal)
                .Replace("{unhealthy}", formats.Number(figures.NotHealthy), StringComparison.Ordinal).Replace("{hosts}", formats.Number(figures.Total), StringComparison.Ordinal)
                .Replace("{action}", formats.Number(figures.NeedAction), StringComparison.Ordinal).Replace("{new}", formats.Number(newToAction), StringComparison.Ordinal)
            : subjectText.ToString();

        var headline = ActionHeadline.Sentence(
            formats, figures.Count(Verdict.MissingSinks), figures.Count(Verdict.SuspectedMetabaseCorruption), newToAction, hasPrevious ? string.Empty : null);
        var text = new StringBuilder();
        var html = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head>");
        html.Append("<body style=\"margin:0;padding:12px;background:#ffffff;color:#222222;font-family:Segoe UI,Arial,sans-serif;font-size:15px;line-height:1.4\">");
        html.Append("<div style=\"max-width:680px;margin:0 auto\">");
        html.Append(CultureInfo.InvariantCulture, $"<p style=\"margin:0 0 6px;color:#595959;font-size:13px\">{Html(L(Label.ReportTitle))} · {Html(date)} · {Html(run.RunId)}</p>");
        var tone = figures.NeedAction > 0 ? Verdict.MissingSinks : Verdict.Healthy;
        html.Append(CultureInfo.InvariantCulture,
            $"<h2 style=\"margin:0 0 14px;padding:10px 12px;font-size:19px;background:#{VerdictStyle.Fill(tone)};border-left:6px solid #{VerdictStyle.Color(tone)}\">{Html(headline)}</h2>");
        text.AppendLine(CultureInfo.InvariantCulture, $"{L(Label.ReportTitle)} {date} ({run.RunId})").AppendLine().AppendLine(headline);

        // What to do, per server: new ones first, then the longest-standing.
        var actFirst = figures.ActFirst;
        if (actFirst.Count > 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<h3 style=\"margin:18px 0 6px;font-size:16px\">{Html(L(Label.MailWhatToDo))}</h3>");
            text.AppendLine().AppendLine(L(Label.MailWhatToDo));
            foreach (var r in actFirst)
            {
                var isNew = hasPrevious && MailFigures.IsNew(r);
                var procedure = ExcelReport.MainProcedure(knowledge.For(r.Verdict, r.Reason, language))?.Title ?? string.Empty;
                var since = r.VerdictSince is { } s ? formats.Date(s) : null;
                html.Append("<div style=\"border-top:1px solid #dddddd;padding:8px 0\">");
                html.Append(CultureInfo.InvariantCulture, $"<div style=\"font-weight:600\">{Html($"{r.HostKey} {r.Name} {r.Site}".TrimEnd())}");
                if (isNew)
                {
                    html.Append(CultureInfo.InvariantCulture, $" <span style=\"background:#FFD966;padding:0 5px;border-radius:3px;font-size:12px\">{Html(L(Label.ReportNewMark))}</span>");
                }

                html.Append("</div>");
                html.Append(CultureInfo.InvariantCulture, $"<div>{Badge(r.Verdict, Title(r.Verdict))}");
                if (since is not null)
                {
                    html.Append(CultureInfo.InvariantCulture, $" <span style=\"color:#595959;font-size:13px\">{Html(L(Label.ReportSince))} <span style=\"white-space:nowrap\">{Html(since)}</span></span>");
                }

                html.Append("</div>");
                if (!r.Missing.IsDefaultOrEmpty)
                {
                    html.Append(CultureInfo.InvariantCulture, $"<div>{Html(L(Label.Missing))}: {string.Join(", ", r.Missing.Select(Keyword))}</div>");
                }

                html.Append(CultureInfo.InvariantCulture, $"<div>{Html(L(Label.ReportWhatToDo))}: <b>{Html(procedure)}</b></div></div>");
                text.Append(CultureInfo.InvariantCulture, $"- {r.HostKey} {r.Name} {r.Site}: {Title(r.Verdict)}; {L(Label.Missing)}: {string.Join(", ", r.Missing)}");
                if (since is not null)
                {
                    text.Append(CultureInfo.InvariantCulture, $"; {L(Label.ReportSince)}: {since}");
                }

                text.AppendLine(CultureInfo.InvariantCulture, $"; {L(Label.ReportWhatToDo)}: {procedure}{(isNew ? $" ({L(Label.ReportNewMark)})" : string.Empty)}");
            }

            if (figures.NeedAction > actFirst.Count)
            {
                var more = formats.Format(L(Label.MailMoreInWorkbook), formats.Number(figures.NeedAction - actFirst.Count));
                html.Append(CultureInfo.InvariantCulture, $"<p style=\"margin:6px 0\">{Html(more)}</p>");
                text.AppendLine(more);
            }
        }

        // The rest, quieter.
        var others = ActionHeadline.Others(formats, figures.Count);
        html.Append(CultureInfo.InvariantCulture, $"<p style=\"margin:14px 0;color:#595959\">{Html(others)}</p>");
        text.AppendLine().AppendLine(others);

        html.Append(CultureInfo.InvariantCulture, $"<h3 style=\"margin:18px 0 6px;font-size:16px\">{Html(L(Label.ReportHostsPerVerdict))}</h3>");
        html.Append("<table cellpadding=\"4\" style=\"border-collapse:collapse;width:100%;max-width:420px\">");
        text.AppendLine().AppendLine(L(Label.ReportHostsPerVerdict));
        foreach (var verdict in Enum.GetValues<Verdict>())
        {
            var count = formats.Number(figures.Count(verdict));
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td style=\"border-left:8px solid #{VerdictStyle.Color(verdict)};background:#{VerdictStyle.Fill(verdict)}\">{Html(Title(verdict))}</td><td align=\"right\" style=\"background:#{VerdictStyle.Fill(verdict)}\">{count}</td></tr>");
            text.AppendLine(CultureInfo.InvariantCulture, $"{Title(verdict),-40} {count,6}");
        }

        html.Append("</table>");
        var newProblems = changes.Changes.Where(c => c.Kind == ChangeKind.NewProblem).ToList();
        Section(html, text, L(Label.MailNewProblems), [.. newProblems.Select(c => $"{c.HostKey} {c.Name} ({(c.After is { } after ? Title(after) : string.Empty)})")], L(Label.ReportNone));
        if (hasPrevious)
        {
            // A first run has every host "added": not news.
            foreach (var (kind, label) in new[] { (ChangeKind.Added, Label.ChangeAdded), (ChangeKind.Removed, Label.ChangeRemoved) })
            {
                var hosts = changes.Changes.Where(c => c.Kind == kind).Select(c => $"{c.HostKey} {c.Name}".TrimEnd()).ToList();
                if (hosts.Count > 0)
                {
                    List<string> lines = [.. hosts.Take(ListedChanges)];
                    if (hosts.Count > ListedChanges)
                    {
                        lines.Add(formats.Format(L(Label.AndMore), formats.Number(hosts.Count - ListedChanges)));
                    }

                    Section(html, text, $"{L(label)} ({formats.Number(hosts.Count)})", lines, L(Label.ReportNone));
                }
            }
        }

        var builder = new BodyBuilder();
        var file = new FileInfo(workbook);
        string where;
        if (file.Length <= options.MaxAttachmentBytes)
        {
            builder.Attachments.Add(file.Name, File.ReadAllBytes(workbook), ContentType.Parse("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
            where = formats.Format(L(Label.MailAttached), file.Name);
        }
        else
        {
            where = $"{L(Label.MailNotAttached)}: {file.FullName} ({formats.Number(file.Length)} bytes)";
        }

        html.Append(CultureInfo.InvariantCulture, $"<p style=\"margin:18px 0 6px\">{Html(where)}</p>");
        text.AppendLine().AppendLine(where);
        if (options.RunPage(run.RunId) is { } page)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p style=\"margin:6px 0\"><a href=\"{Html(page.AbsoluteUri)}\">{Html(L(Label.MailDashboard))}</a></p>");
            text.AppendLine(CultureInfo.InvariantCulture, $"{L(Label.MailDashboard)}: {page.AbsoluteUri}");
        }

        html.Append("</div></body></html>");
        builder.HtmlBody = html.ToString();
        builder.TextBody = text.ToString();
        message.Body = builder.ToMessageBody();
        return message;
    }

    /// <summary>Sends the message through the relay (the system's clock for the acceptance time).</summary>
    /// <inheritdoc cref="SendAsync(MailOptions, MimeMessage, TimeProvider, CancellationToken)"/>
    public static Task<MailSent> SendAsync(MailOptions options, MimeMessage message, CancellationToken cancellationToken) =>
        SendAsync(options, message, TimeProvider.System, cancellationToken);

    /// <summary>
    /// Sends the message through the relay within <see cref="MailOptions.DeadlineSeconds"/>. The message counts as sent once
    /// the relay accepted it (<c>250</c> after DATA); QUIT then gets <see cref="QuitTimeout"/>, and its failure is only reported.
    /// </summary>
    /// <param name="options">The relay.</param>
    /// <param name="message">The message.</param>
    /// <param name="time">The clock of the deadline and the acceptance time.</param>
    /// <param name="cancellationToken">Cancels the dialogue.</param>
    /// <returns>When the relay accepted the message.</returns>
    /// <exception cref="MailException">The relay refused, could not be reached, or did not finish in time; the message says what it answered.</exception>
    public static async Task<MailSent> SendAsync(MailOptions options, MimeMessage message, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(time);
        var relay = $"mail relay {options.Host}:{options.Port}";
        using var client = new SmtpClient { Timeout = 60_000, CheckCertificateRevocation = false };
        if (options.TrustedThumbprint is { Length: > 0 } thumbprint)
        {
            // The relay's certificate is pinned: accepted when it validates or when it is exactly the one configured.
            client.ServerCertificateValidationCallback = (_, certificate, _, errors) =>
                errors == System.Net.Security.SslPolicyErrors.None
                || string.Equals(certificate?.GetCertHashString(), thumbprint.Replace(" ", string.Empty, StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
        }

        // The whole dialogue has a deadline: MailKit's time-out is per read, and a relay that drips a byte now and then
        // never reaches it (issue 18.8).
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(Math.Max(1, options.DeadlineSeconds)), time);
        using var dialogue = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            var security = options.Tls switch
            {
                MailTls.Implicit => SecureSocketOptions.SslOnConnect,
                MailTls.StartTls => SecureSocketOptions.StartTls,
                MailTls.Auto => SecureSocketOptions.StartTlsWhenAvailable,
                _ => SecureSocketOptions.None,
            };
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(options.Host, options.Port, dialogue.Token).ConfigureAwait(false);
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            await client.ConnectAsync(new BoundedReplyStream(new NetworkStream(socket, ownsSocket: true), MaxReplyBytes), options.Host, options.Port, security, dialogue.Token)
                .ConfigureAwait(false);
            if (!string.IsNullOrEmpty(options.User))
            {
                if (!client.IsSecure && options.Tls == MailTls.Auto)
                {
                    // Someone between us and the relay may have removed STARTTLS from its answer: the password stays here.
                    throw new MailException($"{relay}: it does not offer STARTTLS and {nameof(MailOptions.User)} is set: the password is not sent in clear (Mail:Tls None allows it)");
                }

                await client.AuthenticateAsync(options.User, options.Password ?? string.Empty, dialogue.Token).ConfigureAwait(false);
            }

            await client.SendAsync(message, dialogue.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new MailException($"{relay}: the dialogue did not finish within {options.DeadlineSeconds} s (Mail:DeadlineSeconds)", e);
        }
        catch (Exception e) when (e is MailKit.CommandException or MailKit.ProtocolException or AuthenticationException or SslHandshakeException
            or SocketException or IOException or TimeoutException or MailKit.ServiceNotConnectedException
            or MailKit.ServiceNotAuthenticatedException or NotSupportedException)
        {
            // NotSupportedException: the relay lacks what the settings ask for (STARTTLS, AUTH).
            var answer = e is SmtpCommandException command ? $"{(int)command.StatusCode} {command.Message}" : e.Message;
            throw new MailException($"{relay}: {answer.Trim().TrimEnd('.')}", e);
        }

        // Accepted: from here on the mail is sent. A relay that never answers QUIT must not turn it into a failure, and a
        // failure into a second copy (issue 18.5).
        var sent = new MailSent(time.GetUtcNow(), null);
        using var quit = new CancellationTokenSource(QuitTimeout, time);
        using var goodbye = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, quit.Token);
        try
        {
            await client.DisconnectAsync(quit: true, goodbye.Token).ConfigureAwait(false);

            // MailKit drops the connection without a word when QUIT is cancelled.
            if (quit.IsCancellationRequested)
            {
                sent = sent with { QuitProblem = $"{relay}: the message was accepted; QUIT: no answer within {QuitTimeout.TotalSeconds} s" };
            }
        }
        catch (Exception e) when (e is OperationCanceledException or MailKit.CommandException or MailKit.ProtocolException or IOException
            or SocketException or TimeoutException or MailKit.ServiceNotConnectedException)
        {
            sent = sent with { QuitProblem = $"{relay}: the message was accepted; QUIT: {(e is OperationCanceledException ? $"no answer within {QuitTimeout.TotalSeconds} s" : e.Message)}" };
        }

        return sent;
    }

    /// <summary>A verdict as a coloured badge.</summary>
    private static string Badge(Verdict verdict, string title) =>
        $"<span style=\"display:inline-block;padding:1px 7px;border-radius:3px;background:#{VerdictStyle.Fill(verdict)};border-left:5px solid #{VerdictStyle.Color(verdict)}\">{Html(title)}</span>";

    /// <summary>A keyword that a phone never breaks at its hyphen (<c>X-LINK2STATE</c> stays one word).</summary>
    private static string Keyword(string keyword) => $"<span style=\"white-space:nowrap\">{Html(keyword)}</span>";

    private static void Section(StringBuilder html, StringBuilder text, string title, List<string> lines, string none)
    {
        html.Append(CultureInfo.InvariantCulture, $"<h3 style=\"margin:18px 0 6px;font-size:16px\">{Html(title)}</h3><ul style=\"margin:0;padding-left:20px\">");
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
