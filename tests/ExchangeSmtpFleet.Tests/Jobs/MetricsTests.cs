using System.Net;
using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Hosting;
using ExchangeSmtpFleet.Jobs;
using Hangfire.InMemory;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace ExchangeSmtpFleet.Tests.Jobs;

/// <summary><c>/metrics</c> read as Prometheus reads it, after an audit of a known fleet through the job pipeline.</summary>
public sealed class MetricsTests
{
    [Fact]
    public async Task Metrics_AfterAnAudit_AreThePrometheusText_OfTheRunsFigures_ProbeDurations_AndBatchJobs()
    {
        // 4 simulated hosts (2 healthy, 2 without sinks) and 1 address where nothing listens, in batches of 2: 3 batch jobs.
        await using var fixture = await PipelineFixture.StartAsync(hosts: 4, latencyMs: 0, unreachable: 1);
        var app = Build(fixture.Settings(batchSize: 2, concurrency: 2));
        await using (app)
        {
            await JobHost.StartAsync(app, JobHostRole.Serve, "http://127.0.0.1:0", TestContext.Current.CancellationToken);
            var runId = await PipelineFixture.RunAuditAsync(app.Services);
            var run = (await app.Services.GetRequiredService<IAuditHistory>().FindRunAsync(runId, TestContext.Current.CancellationToken))!;

            var (status, contentType, text) = await GetAsync(app, null);
            var metrics = PrometheusText.Parse(text);

            Assert.Equal(HttpStatusCode.OK, status);
            Assert.StartsWith("text/plain", contentType, StringComparison.Ordinal);
            Assert.Equal(2, metrics.Value("esfleet_hosts", ("verdict", "Healthy"), ("group", "Healthy")));
            Assert.Equal(2, metrics.Value("esfleet_hosts", ("verdict", "MissingSinks"), ("group", "NeedsAction")));
            Assert.Equal(1, metrics.Value("esfleet_hosts", ("verdict", "Unreachable"), ("group", "CouldNotCheck")));
            Assert.Equal(0, metrics.Value("esfleet_hosts", ("verdict", "SuspectedMetabaseCorruption")));
            Assert.Equal(7, metrics.All("esfleet_hosts").Count());
            Assert.Equal(2, metrics.Value("esfleet_hosts_need_action"));
            Assert.Equal(1, metrics.Value("esfleet_hosts_could_not_check"));
            Assert.Equal(0, metrics.Value("esfleet_new_problems"));
            Assert.Equal(run.FinishedAt!.Value.ToUnixTimeMilliseconds() / 1000.0, metrics.Value("esfleet_last_run_completion_time_seconds"), 3);
            Assert.Equal((run.FinishedAt.Value - run.StartedAt).TotalSeconds, metrics.Value("esfleet_last_run_duration_seconds"), 3);
            Assert.Equal(1, metrics.Value("esfleet_latest_run_status", ("status", "Completed")));
            Assert.Equal(0, metrics.Value("esfleet_latest_run_status", ("status", "Failed")));
            Assert.Equal(1, metrics.Value("esfleet_database_up"));
            Assert.Equal("counter", metrics.Types["esfleet_batch_jobs_total"]);
            Assert.Equal(3, metrics.Value("esfleet_batch_jobs_total", ("outcome", "succeeded")));
            Assert.Equal("histogram", metrics.Types["esfleet_probe_duration_seconds"]);
            Assert.Equal(4, metrics.Value("esfleet_probe_duration_seconds_count", ("outcome", "answered")));
            Assert.Equal(1, metrics.Value("esfleet_probe_duration_seconds_count", ("outcome", "ConnectionRefused")));
            Assert.Equal(4, metrics.Value("esfleet_probe_duration_seconds_bucket", ("outcome", "answered"), ("le", "+Inf")));
            Assert.Equal("gauge", metrics.Types["esfleet_hosts"]);
        }
    }

    [Fact]
    public async Task Metrics_WithUsers_NeedHttpBasic_AsAPrometheusScrapeSendsIt()
    {
        await using var fixture = await PipelineFixture.StartAsync(hosts: 1, latencyMs: 0);
        var settings = fixture.Settings(batchSize: 5, concurrency: 2);
        PipelineFixture.AddUser(settings, 0, "prometheus", "correct-horse-battery", DashboardSettings.Viewer);
        var app = Build(settings);
        await using (app)
        {
            await JobHost.StartAsync(app, JobHostRole.Serve, "http://127.0.0.1:0", TestContext.Current.CancellationToken);

            var (anonymous, _, _) = await GetAsync(app, null);
            var (wrong, _, _) = await GetAsync(app, "prometheus:guess");
            var (scrape, _, text) = await GetAsync(app, "prometheus:correct-horse-battery");

            Assert.Equal(HttpStatusCode.Unauthorized, anonymous);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong);
            Assert.Equal(HttpStatusCode.OK, scrape);
            Assert.Equal(1, PrometheusText.Parse(text).Value("esfleet_database_up"));
        }
    }

    private static WebApplication Build(Dictionary<string, string?> settings) =>
        JobHost.Build(TimeProvider.System, settings, "/nonexistent/appsettings.json", "http://127.0.0.1:0", (_, _, _) => new InMemoryStorage(), JobHostRole.Serve);

    private static async Task<(HttpStatusCode Status, string? ContentType, string Text)> GetAsync(WebApplication app, string? credentials)
    {
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        if (credentials is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(credentials)));
        }

        var answer = await http.SendAsync(request, TestContext.Current.CancellationToken);
        return (answer.StatusCode, answer.Content.Headers.ContentType?.MediaType, await answer.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}
