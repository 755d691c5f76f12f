using System.Globalization;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Knowledge;
using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ExchangeSmtpFleet.Jobs;

/// <summary>
/// The audit itself (<c>/health</c>): Degraded when no run has completed, when the newest completed run finished more than
/// <c>Health:MaxRunAgeHours</c> ago (the nightly audit did not run), or when the latest run failed or was interrupted;
/// Unhealthy when the database cannot say. The fleet's own state (servers needing action) is data here, not the status:
/// that is the audit's finding, not the service's health.
/// </summary>
internal sealed class AuditRunHealthCheck(IAuditHistory store, HealthSettings settings, TimeProvider time) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["maxRunAgeHours"] = settings.MaxRunAgeHours };
        StoredRun? latest;
        StoredRun? completed;
        try
        {
            latest = await store.FindRunAsync("latest", cancellationToken).ConfigureAwait(false);
            completed = await store.LatestCompletedRunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (StoreFailure.Is(e))
        {
            return HealthCheckResult.Unhealthy(StoreFailure.Message(e), data: data);
        }

        if (latest is not null)
        {
            data["latestRun"] = latest.RunId;
            data["latestRunStatus"] = latest.Status.ToString();
        }

        var problems = new List<string>();
        if (completed is null)
        {
            problems.Add("no audit has completed yet");
        }
        else
        {
            var finished = completed.FinishedAt ?? completed.StartedAt;
            var age = time.GetUtcNow() - finished;
            int Count(VerdictGroup group) => completed.Counts.Where(c => VerdictGroups.Of(c.Key) == group).Sum(c => c.Value);
            data["lastCompletedRun"] = completed.RunId;
            data["lastCompletedAt"] = finished.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            data["ageHours"] = Math.Round(age.TotalHours, 2);
            data["hosts"] = completed.Results;
            data["needAction"] = Count(VerdictGroup.NeedsAction);
            data["couldNotCheck"] = Count(VerdictGroup.CouldNotCheck);
            if (age > TimeSpan.FromHours(settings.MaxRunAgeHours))
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture,
                    $"the newest completed run {completed.RunId} finished {Plural.Rounded(age.TotalHours, "0.#", "hour")} ago, more than Health:MaxRunAgeHours ({settings.MaxRunAgeHours})"));
            }
        }

        if (latest is { Status: AuditRunStatus.Failed or AuditRunStatus.Interrupted })
        {
            problems.Add($"the latest run {latest.RunId} is {latest.Status}");
        }

        return problems.Count > 0
            ? HealthCheckResult.Degraded(string.Join("; ", problems), data: data)
            : HealthCheckResult.Healthy(string.Create(CultureInfo.InvariantCulture,
                $"the newest completed run {completed!.RunId} finished {Plural.Rounded((double)data["ageHours"]!, "0.##", "hour")} ago"), data);
    }
}
