using ExchangeSmtpFleet.Core.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ExchangeSmtpFleet.Jobs;

/// <summary>Readiness: the audit database answers a query (the newest run). Its name is provider and file or server, never a password.</summary>
/// <param name="store">The stored runs.</param>
internal sealed class DatabaseHealthCheck(IAuditHistory store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["database"] = store.Description };
        try
        {
            var latest = await store.FindRunAsync("latest", cancellationToken).ConfigureAwait(false);
            data["runs"] = latest is null ? "none yet" : "stored";
            return HealthCheckResult.Healthy($"{store.Description} answers", data);
        }
        catch (Exception e) when (StoreFailure.Is(e))
        {
            return HealthCheckResult.Unhealthy(StoreFailure.Message(e), data: data);
        }
    }
}
