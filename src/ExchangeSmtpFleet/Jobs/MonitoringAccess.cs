using Hangfire;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ExchangeSmtpFleet.Jobs;

/// <summary>
/// The dashboard's access rules for <c>/health</c>, <c>/health/ready</c> and <c>/metrics</c>: the same <see cref="DashboardAccess"/>
/// (one instance per process, so failures count together), asked with the request as a dashboard request. Local requests
/// only without <c>Dashboard:Users</c>; with users, HTTP Basic (a monitoring probe or a Prometheus scrape sends it), over
/// HTTPS from other machines; a viewer may read them.
/// </summary>
internal static class MonitoringAccess
{
    private static readonly DashboardOptions Options = new();

    /// <summary>Whether the request may go on; otherwise the answer is 401 (with the Basic challenge when users are configured).</summary>
    public static async Task<bool> AllowAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var services = http.RequestServices;
        var context = new AspNetCoreDashboardContext(services.GetRequiredService<JobStorage>(), Options, http);
        if (await services.GetRequiredService<DashboardAccess>().AuthorizeAsync(context).ConfigureAwait(false))
        {
            return true;
        }

        if (!http.Response.HasStarted)
        {
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
        }

        return false;
    }

    /// <summary>A middleware that lets only allowed requests through.</summary>
    public static async Task GuardAsync(HttpContext http, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(next);
        if (await AllowAsync(http).ConfigureAwait(false))
        {
            await next(http).ConfigureAwait(false);
        }
    }
}
