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
    public static WebApplication MapAuditDashboard(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // One filter for the dashboard, /health and /metrics: failures from one address count together.
        var access = app.Services.GetRequiredService<DashboardAccess>();
        AuditDashboard.Register();
        app.UseHangfireDashboard("/hangfire", new DashboardOptions
        {
            Authorization = [],
            AsyncAuthorization = [access],
            IsReadOnlyFunc = DashboardAccess.IsReadOnly,
            DisplayStorageConnectionString = false,
            DashboardTitle = $"esfleet {Cli.EsfleetCli.Version.Split('+')[0]}",
            AppPath = null,
        }, DashboardStorage.For(app.Services.GetRequiredService<JobStorage>()));
        return app;
    }
}
