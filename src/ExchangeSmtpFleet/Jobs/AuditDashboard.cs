using System.Globalization;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Storage;
using Hangfire;
using Hangfire.Dashboard;
using Microsoft.Extensions.DependencyInjection;

namespace ExchangeSmtpFleet.Jobs;

/// <summary>
/// The audit's pages in the Hangfire dashboard, behind its authorization: the worklist (<c>/hangfire/audit</c>, one run at
/// <c>/hangfire/audit/run/&lt;run&gt;</c>), the runs (<c>/audit/runs</c>), a host (<c>/audit/host/&lt;host key&gt;</c>), a
/// run's workbook (<c>/audit/report/&lt;run&gt;</c>), "Run the audit now" (<c>POST /audit/run-now</c>); two tiles on the
/// home page (Exchange servers that need action, hosts that could not be checked); the audit jobs' arguments in words on
/// their job pages; one date format on Hangfire's own pages too (its script and stylesheet with ours).
/// </summary>
internal static class AuditDashboard
{
    /// <summary>The worklist's path inside the dashboard.</summary>
    public const string PagePath = "/audit";

    private const string RunPattern = "(?<run>[A-Za-z0-9_-]{1,64})";
    private static readonly Lock Gate = new();
    private static bool _registered;

    /// <summary>Adds the pages, the menu entry, the tiles, the job renderer and the script (once per process: they are global).</summary>
    public static void Register()
    {
        lock (Gate)
        {
            if (_registered)
            {
                return;
            }

            DashboardRoutes.Routes.AddRazorPage(PagePath, _ => new AuditRazorPage(page => WorklistView.RenderAsync(page, null)));
            DashboardRoutes.Routes.AddRazorPage($"{PagePath}/run/{RunPattern}", match => new AuditRazorPage(page => WorklistView.RenderAsync(page, match.Groups["run"].Value)));
            DashboardRoutes.Routes.AddRazorPage($"{PagePath}/runs", _ => new AuditRazorPage(RunsView.RenderAsync));

            // The key is checked strictly by the page (HostKeyRoute); the route only keeps it to one path segment.
            DashboardRoutes.Routes.AddRazorPage($"{PagePath}/host/(?<key>[^/]{{1,300}})", match => new AuditRazorPage(page => HostView.RenderAsync(page, match.Groups["key"].Value)));
            DashboardRoutes.Routes.Add($"{PagePath}/report/{RunPattern}", new ReportDownload());
            DashboardRoutes.Routes.Add($"{PagePath}/run-now", new RunAuditNow());
            NavigationMenu.Items.Add(page => new MenuItem("Audit", page.Url.To(PagePath)) { Active = page.RequestPath.StartsWith(PagePath, StringComparison.Ordinal) });

            var assembly = typeof(AuditDashboard).Assembly;
            DashboardRoutes.AddStylesheet(assembly, "ExchangeSmtpFleet.Jobs.Content.esfleet-dashboard.css");
            DashboardRoutes.AddJavaScript(assembly, "ExchangeSmtpFleet.Jobs.Content.esfleet-dashboard.js");

            // The home page: the Exchange problems apart from the hosts that could not be checked (the network's or the
            // host's problem, not Exchange's), each in its colour when there are any.
            var needsAction = new DashboardMetric("esfleet-needs-action", "Audit: Exchange servers needing action", page =>
                GroupMetric(page, VerdictGroup.NeedsAction, MetricStyle.Danger));
            var couldNotCheck = new DashboardMetric("esfleet-could-not-check", "Audit: hosts that could not be checked", page =>
                GroupMetric(page, VerdictGroup.CouldNotCheck, MetricStyle.Warning));
            foreach (var metric in new[] { needsAction, couldNotCheck })
            {
                DashboardMetrics.AddMetric(metric);
                GlobalConfiguration.Configuration.UseDashboardMetric(metric);
            }

            GlobalConfiguration.Configuration.UseJobDetailsRenderer(10, AuditJobDetails.Render);
            _registered = true;
        }
    }

    /// <summary>A home-page tile: hosts of the worklist's run in <paramref name="group"/>, of all its hosts (Hangfire renders tiles synchronously).</summary>
    private static Metric GroupMetric(RazorPage page, VerdictGroup group, MetricStyle whenAny)
    {
        var store = page.Context.GetHttpContext().RequestServices.GetRequiredService<IAuditHistory>();
        var newest = store.FindRunAsync("latest", CancellationToken.None).GetAwaiter().GetResult();
        var run = WorklistView.ShownRunAsync(store, newest, CancellationToken.None).GetAwaiter().GetResult();
        if (run is null)
        {
            return new Metric("-");
        }

        var count = run.Counts.Where(c => VerdictGroups.Of(c.Key) == group).Sum(c => c.Value);
        return new Metric(string.Create(CultureInfo.InvariantCulture, $"{count} / {run.Results}"))
        {
            Style = count > 0 ? whenAny : MetricStyle.Success,
        };
    }
}
