using System.Globalization;
using System.Text;
using System.Text.Json;
using ExchangeSmtpFleet.Core.Knowledge;
using ExchangeSmtpFleet.Core.Storage;
using static ExchangeSmtpFleet.Jobs.DashboardHtml;

namespace ExchangeSmtpFleet.Jobs;

/// <summary>
/// A host's page (<c>/hangfire/audit/host/&lt;host key&gt;</c>, <c>?run=&lt;run&gt;</c> for an older run): the verdict, the
/// family and what decided it, the probable causes, the remediation procedure (the knowledge base's, in the report's
/// language), the TLS certificate, the findings, the transcript (encoded: it is the server's text) and the verdict across
/// the stored runs with their dates.
/// </summary>
internal static class HostView
{
    /// <summary>Runs listed in the history.</summary>
    public const int HistoryLimit = 60;

    public static async Task<AuditPageBody> RenderAsync(AuditPageContext page, string hostKey)
    {
        ArgumentNullException.ThrowIfNull(page);
        var text = page.Text;
        var html = new StringBuilder();
        if (!HostKeyRoute.IsValid(hostKey))
        {
            html.Append(CultureInfo.InvariantCulture, $"<h1 class=\"page-header\">{E(DashboardText.Host)}</h1><p id=\"bad-host\">{E(text.BadHostKey)}</p>");
            return new AuditPageBody(DashboardText.Host, html.ToString(), 404);
        }

        var store = page.Get<IAuditHistory>();
        var token = page.CancellationToken;
        var history = await store.HistoryAsync(hostKey, HistoryLimit, token).ConfigureAwait(false);
        if (history.Count == 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<h1 class=\"page-header\">{E(hostKey)}</h1><p id=\"no-host\">{E(text.NotInAnyRun)}</p>");
            return new AuditPageBody(hostKey, html.ToString(), 404);
        }

        var asked = page.Query("run");
        var entry = history.FirstOrDefault(h => string.Equals(h.RunId, asked, StringComparison.Ordinal)) ?? history[0];
        StoredResult? result = null;
        await foreach (var r in store.ReadResultsAsync(entry.RunId, token).ConfigureAwait(false))
        {
            if (string.Equals(r.HostKey, hostKey, StringComparison.Ordinal))
            {
                result = r;
                break;
            }
        }

        StoredEvidence? evidence = null;
        await foreach (var e in store.ReadEvidenceAsync(entry.RunId, token).ConfigureAwait(false))
        {
            if (string.Equals(e.HostKey, hostKey, StringComparison.Ordinal))
            {
                evidence = e;
                break;
            }
        }

        var run = await store.FindRunAsync(entry.RunId, token).ConfigureAwait(false);
        if (result is null || run is null)
        {
            html.Append(CultureInfo.InvariantCulture, $"<h1 class=\"page-header\">{E(hostKey)}</h1><p id=\"no-host\">{E(text.NotInAnyRun)}</p>");
            return new AuditPageBody(hostKey, html.ToString(), 404);
        }

        Render(html, page, run, result, evidence, history);
        return new AuditPageBody(hostKey, html.ToString());
    }

    /// <summary>The page's body for one stored result (pure: the tests render hostile evidence through it).</summary>
    internal static void Render(
        StringBuilder html, AuditPageContext page, StoredRun run, StoredResult result, StoredEvidence? evidence, IReadOnlyList<HostHistoryEntry> history)
    {
        ArgumentNullException.ThrowIfNull(html);
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(result);
        var text = page.Text;
        var knowledge = page.Get<KnowledgeBase>();
        var advice = knowledge.For(result.Verdict, result.Reason, text.Language);
        html.Append(CultureInfo.InvariantCulture,
            $"<h1 class=\"page-header\" id=\"host-key\">{E(result.HostKey)}{(string.IsNullOrEmpty(result.Name) ? string.Empty : $" <small>{E(result.Name)}</small>")}</h1>");
        var latest = history.Count > 0 && string.Equals(history[0].RunId, run.RunId, StringComparison.Ordinal);
        html.Append(CultureInfo.InvariantCulture,
            $"<p class=\"esf-run-line esf-muted\">{E(text.ShownRun)} {Link(page.Url(RunPath(run.RunId)), $"<code id=\"run-id\">{E(run.RunId)}</code>")} &middot; {E(Time(result.ProbedAt))}{(latest ? " &middot; " + E(text.LatestRunOfHost) : string.Empty)}</p>");

        var days = DaysInState(result, run.StartedAt);
        html.Append(CultureInfo.InvariantCulture, $"<p id=\"verdict\" style=\"font-size:18px\">{Badge(result.Verdict, advice.Title)}");
        if (IsNew(result))
        {
            html.Append(CultureInfo.InvariantCulture, $"<span class=\"esf-new\" title=\"{E(text.NewTitle)}\">{E(text.New)}</span>");
        }

        if (days is { } d)
        {
            html.Append(CultureInfo.InvariantCulture, $" <span class=\"esf-muted\" style=\"font-size:14px\">{E(text.InThisState)}: {E(text.Days(d))}, {E(text.Since(Date(result.VerdictSince!.Value)))}</span>");
        }

        html.Append(CultureInfo.InvariantCulture, $"</p><p id=\"summary\">{E(advice.Summary)}</p>");

        html.Append("<dl class=\"dl-horizontal esf-facts\" id=\"facts\">");
        Fact(html, text.Reason, $"<code>{result.Reason}</code>");
        Fact(html, text.Family, $"<code>{E(result.Family)}</code>{(evidence is null || string.IsNullOrEmpty(evidence.FamilyEvidence) ? string.Empty : $" <span class=\"esf-muted\">&mdash; {E(text.Evidence)}: {E(evidence.FamilyEvidence)}</span>")}");
        Fact(html, DashboardText.Banner, result.Banner is null ? "&ndash;" : $"<code>{E(result.Banner)}</code>");
        if (evidence?.Version is { } version)
        {
            Fact(html, DashboardText.Version, E(version));
        }

        Fact(html, text.Missing, Keywords(result.Missing));
        if (evidence is not null && !evidence.Unexpected.IsDefaultOrEmpty)
        {
            Fact(html, text.Unexpected, Keywords(evidence.Unexpected));
        }

        if (result.Detail is not null)
        {
            Fact(html, text.Detail, E(result.Detail));
        }

        Fact(html, text.Profile, $"<code>{E(result.Profile)}</code>");
        if (!string.IsNullOrEmpty(result.Site) || !string.IsNullOrEmpty(result.Owner))
        {
            Fact(html, $"{text.Site} / {text.Owner}", $"{E(result.Site)} / {E(result.Owner)}");
        }

        if (evidence is not null)
        {
            Fact(html, text.Address, evidence.Address is null ? "&ndash;" : $"<code>{E(evidence.Address)}</code>");
            Fact(html, text.Timings, E(string.Create(CultureInfo.InvariantCulture,
                $"connect {Ms(evidence.ConnectMs)}, banner {Ms(evidence.BannerMs)}, EHLO {Ms(evidence.EhloMs)}, TLS {Ms(evidence.TlsMs)}, total {Ms(evidence.TotalMs)}")));
        }

        html.Append("</dl>");

        if (!advice.Causes.IsDefaultOrEmpty)
        {
            html.Append(CultureInfo.InvariantCulture, $"<h2>{E(text.ProbableCauses)}</h2><ul id=\"causes\">");
            foreach (var cause in advice.Causes)
            {
                html.Append(CultureInfo.InvariantCulture, $"<li>{E(cause)}</li>");
            }

            html.Append("</ul>");
        }

        if (!advice.Procedures.IsDefaultOrEmpty)
        {
            html.Append(CultureInfo.InvariantCulture, $"<h2>{E(text.WhatToDo)}</h2><div id=\"procedures\">");
            foreach (var procedure in advice.Procedures)
            {
                AppendProcedure(html, text, procedure);
            }

            html.Append("</div>");
        }

        AppendTls(html, text, evidence?.Tls);

        if (evidence is not null && !evidence.Findings.IsDefaultOrEmpty)
        {
            html.Append(CultureInfo.InvariantCulture, $"<h2>{E(text.Findings)}</h2><ul id=\"findings\">");
            foreach (var finding in evidence.Findings)
            {
                html.Append(CultureInfo.InvariantCulture, $"<li><code>{E(finding)}</code></li>");
            }

            html.Append("</ul>");
        }

        html.Append(CultureInfo.InvariantCulture, $"<h2>{E(text.Transcript)}</h2>");
        html.Append(evidence?.Transcript is { } transcript
            ? $"<pre class=\"esf-transcript\" id=\"transcript\">{E(transcript)}</pre>"
            : $"<p class=\"esf-muted\" id=\"transcript-pruned\">{E(text.TranscriptPruned)}</p>");

        AppendHistory(html, page, history, run.RunId, result.HostKey);
    }

    private static void Fact(StringBuilder html, string label, string valueHtml) =>
        html.Append(CultureInfo.InvariantCulture, $"<dt>{E(label)}</dt><dd>{valueHtml}</dd>");

    private static string Ms(double? ms) => ms is { } value ? string.Create(CultureInfo.InvariantCulture, $"{value:0} ms") : "-";

    private static void AppendProcedure(StringBuilder html, DashboardText text, Procedure procedure)
    {
        html.Append(CultureInfo.InvariantCulture, $"<div class=\"esf-procedure\" data-procedure=\"{E(procedure.Id)}\"><h4>{E(procedure.Title)}</h4>");
        if (!procedure.Prerequisites.IsDefaultOrEmpty)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p><strong>{E(text.Prerequisites)}</strong></p><ul>{string.Concat(procedure.Prerequisites.Select(p => $"<li>{E(p)}</li>"))}</ul>");
        }

        html.Append(CultureInfo.InvariantCulture, $"<ol class=\"esf-steps\">{string.Concat(procedure.Steps.Select(s => $"<li>{E(s)}</li>"))}</ol>");
        if (!procedure.Warnings.IsDefaultOrEmpty)
        {
            html.Append(CultureInfo.InvariantCulture, $"<div class=\"alert alert-warning\"><strong>{E(text.Warnings)}</strong><ul>{string.Concat(procedure.Warnings.Select(w => $"<li>{E(w)}</li>"))}</ul></div>");
        }

        if (procedure.Reference is { } reference)
        {
            // Only web addresses become links; anything else (a KB number) is text.
            html.Append(Uri.TryCreate(reference, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                ? $"<p class=\"esf-small\">{E(text.Reference)}: <a href=\"{E(uri.AbsoluteUri)}\" rel=\"noopener noreferrer\" target=\"_blank\">{E(reference)}</a></p>"
                : $"<p class=\"esf-small\">{E(text.Reference)}: {E(reference)}</p>");
        }

        html.Append("</div>");
    }

    /// <summary>The TLS session and certificate from the stored JSON (fields the database does not have are left out).</summary>
    internal static void AppendTls(StringBuilder html, DashboardText text, string? tlsJson)
    {
        ArgumentNullException.ThrowIfNull(html);
        ArgumentNullException.ThrowIfNull(text);
        html.Append(CultureInfo.InvariantCulture, $"<h2>{E(text.TlsCertificate)}</h2>");
        JsonElement tls;
        try
        {
            if (string.IsNullOrEmpty(tlsJson))
            {
                html.Append(CultureInfo.InvariantCulture, $"<p class=\"esf-muted\" id=\"no-tls\">{E(text.NoTls)}</p>");
                return;
            }

            using var document = JsonDocument.Parse(tlsJson);
            tls = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            html.Append(CultureInfo.InvariantCulture, $"<pre id=\"tls\">{E(tlsJson)}</pre>");
            return;
        }

        string Text(string name) => tls.ValueKind == JsonValueKind.Object && tls.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? string.Empty : string.Empty;
        string[] List(string name) => tls.ValueKind == JsonValueKind.Object && tls.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? [.. value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString() ?? string.Empty)]
            : [];
        string When(string name) => DateTimeOffset.TryParse(Text(name), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? Time(at) : Text(name);

        var errors = List("validationErrors");
        html.Append("<dl class=\"dl-horizontal esf-facts\" id=\"tls\">");
        Fact(html, text.Subject, $"<code>{E(Text("subject"))}</code>");
        Fact(html, text.Issuer, $"<code>{E(Text("issuer"))}</code>");
        Fact(html, text.ValidFrom, E(When("notBefore")));
        Fact(html, text.ValidTo, E(When("notAfter")));
        Fact(html, text.AlternativeNames, Keywords(List("subjectAlternativeNames")));
        Fact(html, text.Thumbprint, $"<code>{E(Text("thumbprint"))}</code>");
        Fact(html, text.Protocol, $"{E(Text("protocol"))}, {E(Text("cipherSuite"))}");
        Fact(html, text.ValidationErrors, errors.Length == 0 ? E(text.Valid) : string.Join("<br>", errors.Select(e => $"<span class=\"text-danger\">{E(e)}</span>")));
        html.Append("</dl>");
    }

    private static void AppendHistory(StringBuilder html, AuditPageContext page, IReadOnlyList<HostHistoryEntry> history, string shownRun, string hostKey)
    {
        var text = page.Text;
        var knowledge = page.Get<KnowledgeBase>();
        html.Append(CultureInfo.InvariantCulture, $"<h2>{E(text.History)}</h2>");
        Head(html, "history", text.Started, text.Verdict, text.Reason, text.Missing, text.Run);
        foreach (var entry in history)
        {
            var shown = string.Equals(entry.RunId, shownRun, StringComparison.Ordinal);
            html.Append(CultureInfo.InvariantCulture,
                $"<tr class=\"esf-history{(shown ? " info" : string.Empty)}\" data-run=\"{E(entry.RunId)}\" data-verdict=\"{entry.Verdict}\"><td style=\"white-space:nowrap\">{Link(page.Url(HostPath(hostKey, entry.RunId)), E(Time(entry.StartedAt)))}</td><td>{Badge(entry.Verdict, knowledge.VerdictTitle(entry.Verdict, text.Language))}</td><td><code>{entry.Reason}</code></td><td>{Keywords(entry.Missing)}</td><td class=\"esf-small\">{Link(page.Url(RunPath(entry.RunId)), $"<code>{E(entry.RunId)}</code>")}</td></tr>");
        }

        html.Append("</tbody></table>");
    }
}
