using System.Text.Json;
using ExchangeSmtpFleet.Core.Storage;
using Hangfire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ExchangeSmtpFleet.Jobs;

/// <summary>
/// <c>/health</c> for a load balancer or monitoring: the audit database and the job storage reachable, the newest
/// completed run and its age, the build. 200 when both are reachable, 503 otherwise. No secret is in it (the database is
/// named by provider and file or server, never a password), so it needs no login.
/// </summary>
internal static class Health
{
    public static void Map(WebApplication app) => app.Map("/health", branch => branch.Run(WriteAsync));

    private static async Task WriteAsync(HttpContext http)
    {
        var services = http.RequestServices;
        var store = services.GetRequiredService<IAuditHistory>();
        var time = services.GetRequiredService<TimeProvider>();
        string? databaseError = null;
        StoredRun? completed = null;
        try
        {
            completed = await store.LatestCompletedRunAsync(http.RequestAborted).ConfigureAwait(false);
        }
        catch (StoreException e)
        {
            databaseError = e.Message;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever else the provider throws (a pool that has no connection to give): unhealthy, never a 500.
            databaseError = $"{store.Description}: {e.Message.Split('\n')[0].Trim()}";
        }

        string? storageError = null;
        var servers = 0;
        try
        {
            servers = services.GetRequiredService<JobStorage>().GetMonitoringApi().Servers().Count;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            storageError = e.Message;
        }

        var healthy = databaseError is null && storageError is null;
        http.Response.StatusCode = healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        http.Response.ContentType = "application/json";
        var now = time.GetUtcNow();
        await JsonSerializer.SerializeAsync(http.Response.Body, new Dictionary<string, object?>
        {
            ["status"] = healthy ? "healthy" : "unhealthy",
            ["version"] = Cli.EsfleetCli.Version,
            ["database"] = new Dictionary<string, object?> { ["ok"] = databaseError is null, ["name"] = store.Description, ["error"] = databaseError },
            ["jobStorage"] = new Dictionary<string, object?> { ["ok"] = storageError is null, ["servers"] = servers, ["error"] = storageError },
            ["lastCompletedRun"] = completed is null ? null : new Dictionary<string, object?>
            {
                ["runId"] = completed.RunId,
                ["finishedAt"] = completed.FinishedAt,
                ["ageHours"] = completed.FinishedAt is { } finished ? Math.Round((now - finished).TotalHours, 2) : null,
                ["hosts"] = completed.Results,
            },
        }, cancellationToken: http.RequestAborted).ConfigureAwait(false);
    }
}
