using System.Globalization;
using System.Net;
using System.Text;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Hosting;
using Hangfire;
using Hangfire.Dashboard;
using Hangfire.Dashboard.Pages;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ExchangeSmtpFleet.Jobs;

/// <summary>
/// The audit's page in the Hangfire dashboard (<c>/hangfire/audit</c>): the latest run's counts per verdict, its changes
/// against the run before, the nightly schedule, and a link that downloads its workbook (<c>/hangfire/audit/report/&lt;run&gt;</c>,
/// behind the dashboard's own authorization).
/// </summary>
internal static class AuditDashboard
{
    /// <summary>The page's path inside the dashboard.</summary>
    public const string PagePath = "/audit";

    private static readonly Lock Gate = new();
    private static bool _registered;

    /// <summary>Adds the page, its menu entry and the download to the dashboard's routes (once per process: they are global).</summary>
    public static void Register()
    {
        lock (Gate)
        {
            if (_registered)
            {
                return;
            }

            DashboardRoutes.Routes.AddRazorPage(PagePath, _ => new AuditPage());
            DashboardRoutes.Routes.Add(PagePath + "/report/(?<run>[A-Za-z0-9_-]{1,64})", new ReportDownload());
            NavigationMenu.Items.Add(page => new MenuItem("Audit", page.Url.To(PagePath)) { Active = page.RequestPath.StartsWith(PagePath, StringComparison.Ordinal) });

            // On the home page: how many hosts of the latest run are not healthy (red when any).
            var unhealthy = new DashboardMetric("esfleet-unhealthy", "Audit: hosts not healthy (latest run)", page =>
            {
                var store = page.Context.GetHttpContext().RequestServices.GetRequiredService<IAuditHistory>();
                var run = store.FindRunAsync("latest", CancellationToken.None).GetAwaiter().GetResult();
                var sick = run?.Counts.Where(c => c.Key != Core.Classification.Verdict.Healthy).Sum(c => c.Value) ?? 0;
                return new Metric(run is null ? "-" : string.Create(CultureInfo.InvariantCulture, $"{sick} / {run.Results}"))
                {
                    Style = run is null ? MetricStyle.Default : sick > 0 ? MetricStyle.Danger : MetricStyle.Success,
                };
            });
            DashboardMetrics.AddMetric(unhealthy);
            GlobalConfiguration.Configuration.UseDashboardMetric(unhealthy);
            _registered = true;
        }
    }

    /// <summary>The page's HTML body for the latest run (the services of the request).</summary>
    internal static async Task<string> BodyAsync(IServiceProvider services, Func<string, string> url, CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<IAuditHistory>();
        var settings = services.GetRequiredService<AuditSettings>();
        var workflow = services.GetRequiredService<AuditWorkflow>();
        var html = new StringBuilder();
        html.Append("<h1 class=\"page-header\">Audit</h1>");
        html.Append(CultureInfo.InvariantCulture, $"<p>Nightly audit <code>{AuditSettings.RecurringJobId}</code>: cron <code>{E(settings.Cron)}</code>, time zone <code>{E(settings.TimeZone)}</code>, inventory <code>{E(settings.Inventory ?? "(not set)")}</code>, batches of {settings.BatchSize}{(settings.Email ? ", report mailed" : string.Empty)}.</p>");

        var run = await store.FindRunAsync("latest", cancellationToken).ConfigureAwait(false);
        if (run is null)
        {
            html.Append("<p>No run is stored yet.</p>");
            return html.ToString();
        }

        html.Append(CultureInfo.InvariantCulture, $"<h2>Latest run <code id=\"run-id\">{E(run.RunId)}</code></h2>");
        html.Append(CultureInfo.InvariantCulture, $"<p>Status <strong id=\"run-status\">{run.Status}</strong>, started {run.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z");
        html.Append(run.FinishedAt is { } finished ? string.Create(CultureInfo.InvariantCulture, $", finished {finished.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z") : string.Empty);
        html.Append(CultureInfo.InvariantCulture, $"; {run.Results} of {run.HostCount} hosts have a result.</p>");
        if (run.Status == AuditRunStatus.Running)
        {
            var progress = await workflow.ProgressOfAsync(run.RunId, cancellationToken).ConfigureAwait(false);
            html.Append(CultureInfo.InvariantCulture, $"<p>In progress: {E(progress)}.</p>");
        }

        html.Append("<table class=\"table table-condensed\" id=\"verdicts\"><thead><tr><th>Verdict</th><th>Hosts</th></tr></thead><tbody>");
        foreach (var (verdict, count) in run.Counts.Where(c => c.Value > 0))
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{verdict}</td><td class=\"count\">{count}</td></tr>");
        }

        html.Append(CultureInfo.InvariantCulture, $"<tr><td><strong>Total</strong></td><td><strong>{run.Results}</strong></td></tr></tbody></table>");

        var path = workflow.ReportPathOf(run.RunId);
        html.Append(File.Exists(path)
            ? $"<p><a class=\"btn btn-primary\" id=\"report-link\" href=\"{E(url($"{PagePath}/report/{run.RunId}"))}\">Download the report ({E(Path.GetFileName(path))})</a></p>"
            : "<p>The report of this run is not written yet.</p>");

        var changes = await store.ChangesAsync(run.RunId, null, cancellationToken).ConfigureAwait(false);
        html.Append(changes.SinceRunId is null
            ? "<h3>Changes</h3><p>No earlier run to compare with.</p>"
            : $"<h3>Changes since <code>{E(changes.SinceRunId)}</code></h3>");
        if (changes.SinceRunId is not null)
        {
            var counts = changes.Changes.GroupBy(c => c.Kind).OrderBy(g => g.Key).Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} {g.Count()}"));
            html.Append(CultureInfo.InvariantCulture, $"<p id=\"changes\">{E(string.Join(", ", counts))}</p>");
            html.Append("<table class=\"table table-condensed\"><thead><tr><th>Host</th><th>Name</th><th>Change</th><th>Before</th><th>After</th></tr></thead><tbody>");
            foreach (var change in changes.Changes.Where(c => c.Kind != ChangeKind.StillFailing).Take(50))
            {
                html.Append(CultureInfo.InvariantCulture,
                    $"<tr><td>{E(change.HostKey)}</td><td>{E(change.Name ?? string.Empty)}</td><td>{change.Kind}</td><td>{change.Before}</td><td>{change.After}</td></tr>");
            }

            html.Append("</tbody></table>");
        }

        return html.ToString();
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    /// <summary>The page: Hangfire's layout around <see cref="BodyAsync"/>.</summary>
    private sealed class AuditPage : RazorPage
    {
        public override void Execute()
        {
            Layout = new LayoutPage("Audit");
            var http = Context.GetHttpContext();

            // Hangfire renders pages synchronously; the queries are short (one run's counts and changes).
            var body = BodyAsync(http.RequestServices, Url.To, http.RequestAborted).GetAwaiter().GetResult();
            WriteLiteral(body);
        }
    }

    /// <summary>Sends a run's workbook.</summary>
    private sealed class ReportDownload : IDashboardDispatcher
    {
        public async Task Dispatch(DashboardContext context)
        {
            var runId = context.UriMatch.Groups["run"].Value;
            var http = context.GetHttpContext();
            var path = http.RequestServices.GetRequiredService<AuditWorkflow>().ReportPathOf(runId);
            if (!File.Exists(path))
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                await http.Response.WriteAsync($"no report for run {runId}", http.RequestAborted).ConfigureAwait(false);
                return;
            }

            http.Response.ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"{Path.GetFileName(path)}\"";
            await http.Response.SendFileAsync(path, http.RequestAborted).ConfigureAwait(false);
        }
    }
}
