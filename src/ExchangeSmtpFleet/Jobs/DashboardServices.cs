using ExchangeSmtpFleet.Hosting;
using Hangfire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ExchangeSmtpFleet.Jobs;

/// <summary>The dashboard's registrations and its place in the web host (<c>/hangfire</c> with the Audit page).</summary>
internal static class DashboardServices
{
    /// <summary>The logger that warns, at the first start, that a new key is kept unencrypted (see <see cref="AddAuditDashboard"/>).</summary>
    private const string KeyManagerLog = "Microsoft.AspNetCore.DataProtection.KeyManagement.XmlKeyManager";

    /// <summary>
    /// Antiforgery for the dashboard's buttons, with its keys kept in the data folder (<c>dataprotection-keys</c>) across
    /// restarts, where every start of the dashboard on this machine finds them.
    /// </summary>
    /// <remarks>
    /// The keys sign only the dashboard's antiforgery tokens. On Windows they are encrypted with DPAPI for the machine (any
    /// account of it, so that the service and an admin's <c>demo --serve</c> share them); elsewhere there is no encryptor
    /// without a certificate, so the folder is made readable by its owner only, like the database beside it, and the
    /// framework's warning about unencrypted keys ("No XML encryptor configured"), shown at every first start, is not
    /// printed unless <c>Logging:LogLevel</c> names its logger.
    /// </remarks>
    public static IServiceCollection AddAuditDashboard(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAntiforgery();
        var keys = new DirectoryInfo(Path.Combine(DatabaseSettings.DataDirectory(configuration), "dataprotection-keys"));
        var protection = services.AddDataProtection().PersistKeysToFileSystem(keys).SetApplicationName("esfleet");
        if (OperatingSystem.IsWindows())
        {
            protection.ProtectKeysWithDpapi(protectToLocalMachine: true);
        }
        else
        {
            // When the key manager is first configured, before it writes the first key.
            services.Configure<KeyManagementOptions>(_ => OwnerOnly(keys));
            if (configuration[$"Logging:LogLevel:{KeyManagerLog}"] is null)
            {
                services.AddLogging(logging => logging.AddFilter(KeyManagerLog, LogLevel.Error));
            }
        }

        return services;
    }

    private static void OwnerOnly(DirectoryInfo folder)
    {
        if (!OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
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
