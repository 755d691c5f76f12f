using System.Net;
using System.Text.Json;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Hosting;
using ExchangeSmtpFleet.Jobs;
using Hangfire.InMemory;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace ExchangeSmtpFleet.Tests.Jobs;

/// <summary>
/// <c>/health/live</c>, <c>/health/ready</c> and <c>/health</c> on ASP.NET Core's health checks: a fresh completed audit is
/// Healthy; a database that cannot be opened is Unhealthy (503, its message, never a 500); a run older than
/// Health:MaxRunAgeHours or a failed latest run is Degraded; the dashboard's access rules, liveness open.
/// </summary>
public sealed class HealthTests
{
    [Fact]
    public async Task Health_AfterAFreshAudit_IsHealthy_WithEveryCheck_AndTheRunsFigures()
    {
        await using var fixture = await PipelineFixture.StartAsync(hosts: 2, latencyMs: 0, unreachable: 1);
        var app = Build(fixture.Settings(batchSize: 5, concurrency: 2), TimeProvider.System);
        await using (app)
        {
            await JobHost.StartAsync(app, JobHostRole.Serve, "http://127.0.0.1:0", TestContext.Current.CancellationToken);
            var runId = await PipelineFixture.RunAuditAsync(app.Services);

            var (status, health) = await GetAsync(app, "/health");
            var (readyStatus, ready) = await GetAsync(app, "/health/ready");

            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("Healthy", health.GetProperty("status").GetString());
            Assert.Equal(["database", "jobStorage", "audit"], Checks(health).Select(c => c.GetProperty("name").GetString()));
            Assert.All(Checks(health), c => Assert.Equal("Healthy", c.GetProperty("status").GetString()));
            var audit = Check(health, "audit").GetProperty("data");
            Assert.Equal(runId, audit.GetProperty("lastCompletedRun").GetString());
            Assert.Equal(1, audit.GetProperty("needAction").GetInt32());
            Assert.Equal(1, audit.GetProperty("couldNotCheck").GetInt32());
            Assert.Equal(3, audit.GetProperty("hosts").GetInt32());
            Assert.Equal(26, audit.GetProperty("maxRunAgeHours").GetInt32());
            Assert.Equal(HttpStatusCode.OK, readyStatus);
            Assert.Equal(["database", "jobStorage"], Checks(ready).Select(c => c.GetProperty("name").GetString()));
            Assert.Equal(ExchangeSmtpFleet.Cli.EsfleetCli.Version, health.GetProperty("version").GetString());
        }
    }

    [Fact]
    public async Task Health_WithTheDatabaseDown_Is503_Unhealthy_WithItsMessage_LivenessStill200()
    {
        await using var fixture = await PipelineFixture.StartAsync(hosts: 1, latencyMs: 0);
        var settings = fixture.Settings(batchSize: 5, concurrency: 2);
        settings["Database:Path"] = Path.Combine(fixture.Data, "no-such-folder", "esfleet.db");
        var app = Build(settings, TimeProvider.System);
        await using (app)
        {
            // Not JobHost.StartAsync: it would create the database first. A reader never creates one.
            await app.StartAsync(TestContext.Current.CancellationToken);

            var (status, health) = await GetAsync(app, "/health");
            var (readyStatus, _) = await GetAsync(app, "/health/ready");
            var (liveStatus, live) = await GetAsync(app, "/health/live");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            Assert.Equal("Unhealthy", health.GetProperty("status").GetString());
            var database = Check(health, "database");
            Assert.Equal("Unhealthy", database.GetProperty("status").GetString());
            Assert.Contains("no-such-folder", database.GetProperty("description").GetString(), StringComparison.Ordinal);
            Assert.Equal("Unhealthy", Check(health, "audit").GetProperty("status").GetString());
            Assert.Equal("Healthy", Check(health, "jobStorage").GetProperty("status").GetString());
            Assert.Equal(HttpStatusCode.ServiceUnavailable, readyStatus);
            Assert.Equal(HttpStatusCode.OK, liveStatus);
            Assert.Equal("Healthy", live.GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task Health_WhenTheLastCompletedRunIsOlderThanMaxRunAgeHours_IsDegraded_AndSaysHowOld()
    {
        await using var fixture = await PipelineFixture.StartAsync(hosts: 1, latencyMs: 0);
        var settings = fixture.Settings(batchSize: 5, concurrency: 2);
        settings["Health:MaxRunAgeHours"] = "24";
        var first = Build(settings, TimeProvider.System);
        await using (first)
        {
            await JobHost.StartAsync(first, JobHostRole.Serve, "http://127.0.0.1:0", TestContext.Current.CancellationToken);
            await PipelineFixture.RunAuditAsync(first.Services);
        }

        // The same database read 30 hours later: the nightly audit has not run since.
        var later = Build(settings, new ShiftedTime(TimeSpan.FromHours(30)));
        await using (later)
        {
            await JobHost.StartAsync(later, JobHostRole.Serve, "http://127.0.0.1:0", TestContext.Current.CancellationToken);

            var (status, health) = await GetAsync(later, "/health");

            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("Degraded", health.GetProperty("status").GetString());
            var audit = Check(health, "audit");
            Assert.Equal("Degraded", audit.GetProperty("status").GetString());
            Assert.Contains("finished 30", audit.GetProperty("description").GetString(), StringComparison.Ordinal);
            Assert.Contains("more than Health:MaxRunAgeHours (24)", audit.GetProperty("description").GetString(), StringComparison.Ordinal);
            Assert.InRange(audit.GetProperty("data").GetProperty("ageHours").GetDouble(), 30, 30.5);
        }
    }

    [Fact]
    public async Task Health_WhenTheLatestRunFailed_IsDegraded_NamingIt()
    {
        await using var fixture = await PipelineFixture.StartAsync(hosts: 1, latencyMs: 0);
        var app = Build(fixture.Settings(batchSize: 5, concurrency: 2), TimeProvider.System);
        await using (app)
        {
            await JobHost.StartAsync(app, JobHostRole.Serve, "http://127.0.0.1:0", TestContext.Current.CancellationToken);
            await PipelineFixture.RunAuditAsync(app.Services);
            var workflow = app.Services.GetRequiredService<AuditWorkflow>();
            var failed = await workflow.BeginRunAsync(new RunRequest(RunKind.Scan, fixture.Inventory, 2), TestContext.Current.CancellationToken);
            await workflow.FinishRunAsync(failed.RunId, AuditRunStatus.Failed, TestContext.Current.CancellationToken);

            var (status, health) = await GetAsync(app, "/health");

            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("Degraded", health.GetProperty("status").GetString());
            Assert.Equal($"the latest run {failed.RunId} is Failed", Check(health, "audit").GetProperty("description").GetString());
        }
    }

    [Fact]
    public async Task Health_WithUsers_NeedsTheDashboardsLogin_ExceptLiveness()
    {
        await using var fixture = await PipelineFixture.StartAsync(hosts: 1, latencyMs: 0);
        var settings = fixture.Settings(batchSize: 5, concurrency: 2);
        var hash = PipelineFixture.AddUser(settings, 0, "nagios", "correct-horse-battery", DashboardSettings.Viewer);
        var app = Build(settings, TimeProvider.System);
        await using (app)
        {
            await JobHost.StartAsync(app, JobHostRole.Serve, "http://127.0.0.1:0", TestContext.Current.CancellationToken);
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

            var anonymous = await http.GetAsync(new Uri("/health", UriKind.Relative), TestContext.Current.CancellationToken);
            var anonymousReady = await http.GetAsync(new Uri("/health/ready", UriKind.Relative), TestContext.Current.CancellationToken);
            var live = await http.GetAsync(new Uri("/health/live", UriKind.Relative), TestContext.Current.CancellationToken);
            using var request = new HttpRequestMessage(HttpMethod.Get, "/health");
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String("nagios:correct-horse-battery"u8.ToArray()));
            var probe = await http.SendAsync(request, TestContext.Current.CancellationToken);
            var body = await probe.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Equal("Basic", anonymous.Headers.WwwAuthenticate.Single().Scheme);
            Assert.Equal(HttpStatusCode.Unauthorized, anonymousReady.StatusCode);
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
            Assert.Contains("\"checks\"", body, StringComparison.Ordinal);
            Assert.DoesNotContain(hash.Split('$')[3], body, StringComparison.Ordinal);
        }
    }

    private static WebApplication Build(Dictionary<string, string?> settings, TimeProvider time) =>
        JobHost.Build(time, settings, "/nonexistent/appsettings.json", "http://127.0.0.1:0", (_, _, _) => new InMemoryStorage(), JobHostRole.Serve);

    private static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(WebApplication app, string path)
    {
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        var answer = await http.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal("application/json; charset=utf-8", answer.Content.Headers.ContentType?.ToString());
        using var json = JsonDocument.Parse(await answer.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return (answer.StatusCode, json.RootElement.Clone());
    }

    private static JsonElement[] Checks(JsonElement health) => [.. health.GetProperty("checks").EnumerateArray()];

    private static JsonElement Check(JsonElement health, string name) => Checks(health).Single(c => c.GetProperty("name").GetString() == name);
}
