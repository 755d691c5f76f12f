using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Infrastructure.Files;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ExchangeSmtpFleet.Jobs;

/// <summary>
/// Sends a run's workbook (<c>/hangfire/audit/report/&lt;run&gt;</c>, behind the dashboard's authorization): only a whole one
/// (issue 18, item 11), never 200 with an empty or cut file that Excel then calls damaged.
/// </summary>
internal sealed class ReportDownload : IDashboardDispatcher
{
    public async Task Dispatch(DashboardContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var runId = context.UriMatch.Groups["run"].Value;
        var http = context.GetHttpContext();
        var workflow = http.RequestServices.GetRequiredService<AuditWorkflow>();

        // The stream opened by the check is the one sent: a workbook moved in meanwhile does not mix with the checked one.
        var path = workflow.FindReportOf(runId);
        await using var workbook = path is null ? null : WorkbookFile.OpenWhole(path);
        if (workbook is null)
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            await http.Response.WriteAsync(
                File.Exists(workflow.ReportPathOf(runId)) ? $"the workbook of run {runId} is not whole: write it again (esfleet report --run {runId})" : $"no report for run {runId}",
                http.RequestAborted).ConfigureAwait(false);
            return;
        }

        http.Response.ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
        http.Response.ContentLength = workbook.Length;
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{Path.GetFileName(path)}\"";
        await workbook.CopyToAsync(http.Response.Body, http.RequestAborted).ConfigureAwait(false);
    }
}
