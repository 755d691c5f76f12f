using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace ExchangeSmtpFleet.Jobs;

/// <summary><c>/metrics</c>: the meter <see cref="AuditMeter"/> in the Prometheus text format (OpenTelemetry's exporter), behind the dashboard's access rules.</summary>
internal static class MetricsEndpoint
{
    public const string Path = "/metrics";

    public static IServiceCollection AddAuditMetrics(this IServiceCollection services)
    {
        services.TryAddSingleton<AuditMeter>();
        services.TryAddSingleton<FleetSnapshot>();
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("esfleet", serviceVersion: Cli.EsfleetCli.Version.Split('+')[0]))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(AuditMeter.Name).AddPrometheusExporter(o =>
                {
                    // Every scrape reads the database afresh (FleetSnapshot); no cached answer, no scope label on every line.
                    o.ScrapeResponseCacheDurationMilliseconds = 0;
                    o.ScopeInfoEnabled = false;
                });

                // This host's meter only: other hosts in the same process (the tests) have meters of the same name.
                ((IDeferredMeterProviderBuilder)metrics).Configure((sp, builder) =>
                {
                    var ours = sp.GetRequiredService<AuditMeter>().Meter;
                    builder.AddView(i => i.Meter.Name == AuditMeter.Name && !ReferenceEquals(i.Meter, ours) ? MetricStreamConfiguration.Drop : null);
                });
            });
        return services;
    }

    public static WebApplication MapAuditMetrics(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseOpenTelemetryPrometheusScrapingEndpoint(
            meterProvider: null,
            predicate: c => c.Request.Path == Path,
            path: null,
            configureBranchedPipeline: branch => branch.Use(async (http, next) =>
            {
                if (await MonitoringAccess.AllowAsync(http).ConfigureAwait(false))
                {
                    await http.RequestServices.GetRequiredService<FleetSnapshot>().RefreshAsync(http.RequestAborted).ConfigureAwait(false);
                    await next(http).ConfigureAwait(false);
                }
            }),
            optionsName: null);
        return app;
    }
}
