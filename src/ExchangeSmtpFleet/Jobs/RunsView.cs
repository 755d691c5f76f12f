using System.Globalization;
using System.Text;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Storage;
using static ExchangeSmtpFleet.Jobs.DashboardHtml;

namespace ExchangeSmtpFleet.Jobs;

/// <summary>
/// The runs page (<c>/hangfire/audit/runs</c>): the last runs, newest first, each with its hosts per group (needs action,
/// could not check, other, healthy), duration, status and the download of its workbook when the file is there.
/// </summary>
internal static class RunsView
{
    /// <summary>Runs listed.</summary>
    public const int Limit = 60;

    public static async Task<AuditPageBody> RenderAsync(AuditPageContext page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var text = page.Text;
        var workflow = page.Get<AuditWorkflow>();
        var runs = await page.Get<IAuditHistory>().ListRunsAsync(Limit, page.CancellationToken).ConfigureAwait(false);
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<h1 class=\"page-header\">{E(text.Runs)}</h1>");
        if (runs.Count == 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p id=\"no-run\">{E(DashboardText.NoRun)}</p>");
            return new AuditPageBody(text.Runs, html.ToString());
        }

        Head(html, "runs", text.Started, text.Run, DashboardText.Status, text.Duration, text.NeedsAction, text.CouldNotCheck, text.OtherServers, text.Healthy, DashboardText.Hosts, text.Workbook);
        foreach (var run in runs)
        {
            int Count(VerdictGroup group) => run.Counts.Where(c => VerdictGroups.Of(c.Key) == group).Sum(c => c.Value);
            var needs = Count(VerdictGroup.NeedsAction);
            var report = workflow.FindReportOf(run.RunId);
            html.Append(CultureInfo.InvariantCulture, $"<tr class=\"esf-run\" data-run=\"{E(run.RunId)}\" data-status=\"{run.Status}\">");
            html.Append(CultureInfo.InvariantCulture, $"<td style=\"white-space:nowrap\">{E(Time(run.StartedAt))}</td>");
            html.Append(CultureInfo.InvariantCulture, $"<td>{Link(page.Url(RunPath(run.RunId)), $"<code>{E(run.RunId)}</code>")}</td>");
            html.Append(CultureInfo.InvariantCulture, $"<td>{E(text.StatusName(run.Status))}</td>");
            html.Append(CultureInfo.InvariantCulture, $"<td class=\"esf-num\">{(run.FinishedAt is { } finished ? E(Duration(finished - run.StartedAt)) : "&ndash;")}</td>");
            html.Append(CultureInfo.InvariantCulture, $"<td class=\"esf-num\" data-group=\"NeedsAction\">{(needs > 0 ? $"<strong style=\"color:{Color(Verdict.MissingSinks)}\">{needs}</strong>" : "0")}</td>");
            html.Append(CultureInfo.InvariantCulture, $"<td class=\"esf-num\" data-group=\"CouldNotCheck\">{Count(VerdictGroup.CouldNotCheck)}</td>");
            html.Append(CultureInfo.InvariantCulture, $"<td class=\"esf-num\" data-group=\"Other\">{Count(VerdictGroup.Other)}</td>");
            html.Append(CultureInfo.InvariantCulture, $"<td class=\"esf-num\" data-group=\"Healthy\">{Count(VerdictGroup.Healthy)}</td>");
            html.Append(CultureInfo.InvariantCulture, $"<td class=\"esf-num\">{run.Results} / {run.HostCount}</td>");
            html.Append(CultureInfo.InvariantCulture,
                $"<td>{(report is not null ? $"<a class=\"esf-workbook\" href=\"{E(page.Url(ReportPath(run.RunId)))}\">{E(text.Download)}</a>" : "&ndash;")}</td></tr>");
        }

        html.Append("</tbody></table>");
        return new AuditPageBody(text.Runs, html.ToString());
    }
}
