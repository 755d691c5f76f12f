using ExchangeSmtpFleet.Core.Knowledge;
using Hangfire;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ExchangeSmtpFleet.Jobs;

/// <summary>Readiness: the Hangfire job storage answers, with the Hangfire servers it knows (this one and the workers).</summary>
/// <param name="storage">The job storage.</param>
internal sealed class JobStorageHealthCheck(JobStorage storage) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["storage"] = JobServices.IsEmbedded(storage) ? "embedded (SQLite, this process)" : "shared" };
        try
        {
            var servers = storage.GetMonitoringApi().Servers();
            data["servers"] = servers.Count;
            return Task.FromResult(HealthCheckResult.Healthy($"the job storage answers; {Plural.Of(servers.Count, "Hangfire server")}", data));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Any storage's failure (SqlException, SQLite's, a lost connection): the check says it, the endpoint stays up.
            return Task.FromResult(HealthCheckResult.Unhealthy(StoreFailure.Message(e), data: data));
        }
    }
}
