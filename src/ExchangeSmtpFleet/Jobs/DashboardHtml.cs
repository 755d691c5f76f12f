using System.Globalization;
using System.Net;
using System.Text;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Knowledge;
using ExchangeSmtpFleet.Core.Storage;

namespace ExchangeSmtpFleet.Jobs;

/// <summary>
/// The pieces every Audit page is made of: one date format (ISO 8601 in UTC, <c>2026-12-06 22:43 UTC</c>, the same as the
/// script gives Hangfire's own pages), encoding of everything that comes from outside, verdict badges in the verdict colours.
/// </summary>
internal static class DashboardHtml
{
    /// <summary>HTML-encodes text from outside (servers, inventories, the database).</summary>
    public static string E(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);

    /// <summary>A time as every page shows it: <c>2026-12-06 22:43 UTC</c>.</summary>
    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>A day: <c>2026-12-06</c> (UTC).</summary>
    public static string Date(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A duration for people: <c>9 s</c>, <c>4 min 12 s</c>, <c>2 h 05 min</c>.</summary>
    public static string Duration(TimeSpan duration) => duration switch
    {
        { TotalSeconds: < 60 } => string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, duration.TotalSeconds):0} s"),
        { TotalHours: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalMinutes} min {duration.Seconds:00} s"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalHours} h {duration.Minutes:00} min"),
    };

    /// <summary>The strong colour of a verdict as CSS (<c>#C62828</c>), the workbook's and the mail's.</summary>
    public static string Color(Verdict verdict) => "#" + VerdictStyle.Color(verdict);

    /// <summary>A group's colour as CSS, dark enough for white text.</summary>
    public static string Color(VerdictGroup group) => "#" + VerdictStyle.GroupColor(group);

    /// <summary>A verdict as a coloured badge with its title (the code name as tooltip).</summary>
    public static string Badge(Verdict verdict, string title) =>
        $"<span class=\"esf-verdict\" data-verdict=\"{verdict}\" style=\"background:#{VerdictStyle.Fill(verdict)};border-left:5px solid {Color(verdict)}\" title=\"{verdict}\">{E(title)}</span>";

    /// <summary>A small square in a verdict's colour.</summary>
    public static string Swatch(Verdict verdict) => $"<span class=\"esf-swatch\" style=\"background:{Color(verdict)}\"></span>";

    /// <summary>Keywords as code, or a dash.</summary>
    public static string Keywords(IEnumerable<string> keywords)
    {
        var list = keywords.ToList();
        return list.Count == 0 ? "&ndash;" : $"<span class=\"esf-keywords\">{string.Concat(list.Select(k => $"<code>{E(k)}</code>"))}</span>";
    }

    /// <summary>Whole days a host has had its verdict when the run started (<paramref name="runStarted"/>), or null when unknown.</summary>
    public static int? DaysInState(StoredResult result, DateTimeOffset runStarted) =>
        result?.VerdictSince is { } since ? Math.Max(0, (int)Math.Floor((runStarted - since).TotalDays)) : null;

    /// <summary>Whether the host's verdict differs from the run before (a host without one is not new).</summary>
    public static bool IsNew(StoredResult result) => result?.PreviousVerdict is { } previous && previous != result.Verdict;

    /// <summary>The path of a host's page (the key escaped for the URL).</summary>
    public static string HostPath(string hostKey, string? runId = null) =>
        $"{AuditDashboard.PagePath}/host/{Uri.EscapeDataString(hostKey)}{(runId is null ? string.Empty : "?run=" + Uri.EscapeDataString(runId))}";

    /// <summary>The path of a run's worklist.</summary>
    public static string RunPath(string runId) => $"{AuditDashboard.PagePath}/run/{Uri.EscapeDataString(runId)}";

    /// <summary>The path of a run's workbook.</summary>
    public static string ReportPath(string runId) => $"{AuditDashboard.PagePath}/report/{Uri.EscapeDataString(runId)}";

    /// <summary>A link; <paramref name="href"/> is built by the page (encoded here), <paramref name="html"/> is HTML already.</summary>
    public static string Link(string href, string html, string? id = null) =>
        $"<a href=\"{E(href)}\"{(id is null ? string.Empty : $" id=\"{id}\"")}>{html}</a>";

    /// <summary>Appends a table head.</summary>
    public static void Head(StringBuilder html, string id, params string[] columns)
    {
        ArgumentNullException.ThrowIfNull(html);
        html.Append(CultureInfo.InvariantCulture, $"<table class=\"table table-condensed esf-table\" id=\"{id}\"><thead><tr>");
        foreach (var column in columns)
        {
            html.Append(CultureInfo.InvariantCulture, $"<th>{E(column)}</th>");
        }

        html.Append("</tr></thead><tbody>");
    }
}
