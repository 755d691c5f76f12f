using ExchangeSmtpFleet.Hosting;
using Hangfire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ExchangeSmtpFleet.Jobs;

/// <summary>The dashboard's registrations and its place in the web host (<c>/hangfire</c> with the Audit page).</summary>
internal static class DashboardServices
{
    /// <summary>Antiforgery for the dashboard's buttons, with its keys kept in the data folder across restarts.</summary>
    public static IServiceCollection AddAuditDashboard(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAntiforgery();
        services.AddDataProtection()
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(DatabaseSettings.DataDirectory(configuration), "dataprotection-keys")))
            .SetApplicationName("esfleet");
        return services;
    }

    /// <summary>The dashboard at <c>/hangfire</c>: local requests only unless <c>Dashboard:Users</c> are configured, viewers read-only.</summary>
    public static WebApplication MapAuditDashboard(this WebApplication app, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(app);
        var access = new DashboardAccess(app.Services.GetRequiredService<DashboardSettings>(), time);
        AuditDashboard.Register();
        app.UseHangfireDashboard("/hangfire", new DashboardOptions
        {
            Authorization = [],
            AsyncAuthorization = [access],
            IsReadOnlyFunc = DashboardAccess.IsReadOnly,
            DisplayStorageConnectionString = false,
            DashboardTitle = $"esfleet {Cli.EsfleetCli.Version.Split('+')[0]}",
            AppPath = null,
        }, app.Services.GetRequiredService<JobStorage>());
        return app;
    }
}
