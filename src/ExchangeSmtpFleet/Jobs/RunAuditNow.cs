using System.Globalization;
using ExchangeSmtpFleet.Hosting;
using Hangfire;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ExchangeSmtpFleet.Jobs;

/// <summary>
/// "Run the audit now" (<c>POST /hangfire/audit/run-now</c>): triggers the recurring job <c>nightly-audit</c>, as the
/// Recurring Jobs page's Trigger button does. Hangfire's middleware has checked the user and the antiforgery token before
/// this runs (the page's button sends it as Hangfire's own buttons do); a viewer is refused here.
/// </summary>
internal sealed class RunAuditNow : IDashboardDispatcher
{
    public async Task Dispatch(DashboardContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var http = context.GetHttpContext();
        if (!HttpMethods.IsPost(http.Request.Method))
        {
            http.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        if (context.IsReadOnly)
        {
            http.Response.StatusCode = StatusCodes.Status403Forbidden;
            await http.Response.WriteAsync("a viewer may not start the audit", http.RequestAborted).ConfigureAwait(false);
            return;
        }

        var manager = http.RequestServices.GetRequiredService<IRecurringJobManager>() as IRecurringJobManagerV2;
        var jobId = manager?.TriggerJob(AuditSettings.RecurringJobId);
        if (jobId is null)
        {
            http.Response.StatusCode = StatusCodes.Status409Conflict;
            await http.Response.WriteAsync($"the recurring job {AuditSettings.RecurringJobId} is not registered in this job storage", http.RequestAborted).ConfigureAwait(false);
            return;
        }

        http.Response.ContentType = "text/plain; charset=utf-8";
        await http.Response.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"{AuditSettings.RecurringJobId} triggered: job {jobId}"), http.RequestAborted).ConfigureAwait(false);
    }
}
