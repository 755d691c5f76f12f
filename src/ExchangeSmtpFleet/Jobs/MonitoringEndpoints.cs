using ExchangeSmtpFleet.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ExchangeSmtpFleet.Jobs;

/// <summary>
/// The monitoring endpoints of every job host (serve, workers, demo), on ASP.NET Core's health checks and the app's meter:
/// <list type="bullet">
/// <item><c>/health/live</c>: the process answers (open, as a load balancer asks it; it says nothing else).</item>
/// <item><c>/health/ready</c>: the audit database and the job storage answer.</item>
/// <item><c>/health</c>: both, and the audit (Degraded when stale or failed).</item>
/// <item><c>/metrics</c>: the Prometheus text of the meter <c>ExchangeSmtpFleet</c> (<see cref="AuditMeter"/>).</item>
/// </list>
/// All but <c>/health/live</c> under the dashboard's access rules (<see cref="MonitoringAccess"/>).
/// </summary>
internal static class MonitoringEndpoints
{
    public const string LiveTag = "live";
    public const string ReadyTag = "ready";

    /// <summary>The checks, the access filter shared with the dashboard, routing for the endpoints, the meter and its exporter.</summary>
    public static IServiceCollection AddAuditMonitoring(this IServiceCollection services)
    {
        services.AddRouting();
        services.TryAddSingleton(sp => new DashboardAccess(sp.GetRequiredService<DashboardSettings>(), sp.GetRequiredService<TimeProvider>()));
        services.AddHealthChecks()
            .AddCheck("process", () => HealthCheckResult.Healthy("the process answers"), [LiveTag])
            .AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag])
            .AddCheck<JobStorageHealthCheck>("jobStorage", tags: [ReadyTag])
            .AddCheck<AuditRunHealthCheck>("audit");
        services.AddAuditMetrics();
        return services;
    }

    /// <summary>Maps the endpoints (after the dashboard).</summary>
    public static WebApplication MapAuditMonitoring(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseWhen(
            c => c.Request.Path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase) && !c.Request.Path.StartsWithSegments("/health/live", StringComparison.OrdinalIgnoreCase),
            branch => branch.Use(MonitoringAccess.GuardAsync));
        app.MapHealthChecks("/health/live", Options(c => c.Tags.Contains(LiveTag)));
        app.MapHealthChecks("/health/ready", Options(c => c.Tags.Contains(ReadyTag)));
        app.MapHealthChecks("/health", Options(c => !c.Tags.Contains(LiveTag)));
        app.MapAuditMetrics();
        return app;
    }

    private static HealthCheckOptions Options(Func<HealthCheckRegistration, bool> predicate) => new()
    {
        Predicate = predicate,
        ResponseWriter = HealthResponse.WriteAsync,
        // Degraded is still an answer a load balancer may route to; monitoring reads "status" in the JSON.
        ResultStatusCodes =
        {
            [HealthStatus.Healthy] = StatusCodes.Status200OK,
            [HealthStatus.Degraded] = StatusCodes.Status200OK,
            [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
        },
    };
}
