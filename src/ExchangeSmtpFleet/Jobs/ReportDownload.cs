using ExchangeSmtpFleet.Core.Auditing;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ExchangeSmtpFleet.Jobs;

/// <summary>Sends a run's workbook (<c>/hangfire/audit/report/&lt;run&gt;</c>, behind the dashboard's authorization).</summary>
internal sealed class ReportDownload : IDashboardDispatcher
{
    public async Task Dispatch(DashboardContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var runId = context.UriMatch.Groups["run"].Value;
        var http = context.GetHttpContext();
        var path = http.RequestServices.GetRequiredService<AuditWorkflow>().FindReportOf(runId);
        if (path is null)
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
