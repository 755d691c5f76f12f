using System.Text.RegularExpressions;
using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Hosting;
using ExchangeSmtpFleet.Jobs;
using Hangfire;
using Hangfire.InMemory;
using Microsoft.Extensions.DependencyInjection;
using PuppeteerSharp;

namespace ExchangeSmtpFleet.Tests.Jobs;

/// <summary>
/// The dashboard as people use it, in real headless Chromium (Debian's, installed by .ci/run at /usr/bin/chromium), over a
/// fleet of 6 simulated hosts (3 healthy, 3 with the Exchange sinks not loaded) and one address where nothing listens: the
/// admin reads the worklist, opens a host's page and the runs, downloads the workbook and runs the audit again; a viewer
/// sees no button that changes anything and a request forged by hand is refused.
/// </summary>
public sealed partial class DashboardBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";
    private const string AdminPassword = "correct-horse-battery";
    private const string ViewerPassword = "tr0ub4dor&3-viewer";

    [Fact]
    public async Task Admin_WorksThroughTheWorklist_HostPage_Runs_AndRunsTheAuditNow_ViewerCannotChangeAnything()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: .ci/run installs Debian's chromium");
        await using var fixture = await PipelineFixture.StartAsync(hosts: 6, latencyMs: 0, unreachable: 1);
        var settings = fixture.Settings(batchSize: 3, concurrency: 3);
        PipelineFixture.AddUser(settings, 0, "ops", AdminPassword, DashboardSettings.Admin);
        PipelineFixture.AddUser(settings, 1, "boss", ViewerPassword, DashboardSettings.Viewer);
        var cancel = TestContext.Current.CancellationToken;
        var app = JobHost.Build(TimeProvider.System, settings, "/nonexistent/appsettings.json", "http://127.0.0.1:0", (_, _, _) => new InMemoryStorage(), JobHostRole.Serve);
        await using (app)
        {
            await JobHost.StartAsync(app, JobHostRole.Serve, "http://127.0.0.1:0", cancel);
            var runId = await PipelineFixture.RunAuditAsync(app.Services);
            var store = app.Services.GetRequiredService<IAuditHistory>();
            var root = app.Urls.First().TrimEnd('/');
            var downloads = Directory.CreateDirectory(Path.Combine(fixture.Data, "downloads")).FullName;

            await using var browser = await Puppeteer.LaunchAsync(new LaunchOptions
            {
                ExecutablePath = Chromium,
                Headless = true,
                UserDataDir = Directory.CreateDirectory(Path.Combine(fixture.Data, "chromium")).FullName,
                Args =
                [
                    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                ],
            });

            // The admin.
            await using (var page = await browser.NewPageAsync())
            {
                await page.AuthenticateAsync(new Credentials { Username = "ops", Password = AdminPassword });
                var home = await page.GoToAsync($"{root}/hangfire");
                Assert.Equal(System.Net.HttpStatusCode.OK, home.Status);
                Assert.Contains("esfleet", await page.GetTitleAsync(), StringComparison.Ordinal);
                var homePage = await page.GetContentAsync();
                Assert.Contains("Audit: Exchange servers needing action", homePage, StringComparison.Ordinal);
                Assert.Contains("Audit: hosts that could not be checked", homePage, StringComparison.Ordinal);
                Assert.Equal(["3 / 7", "1 / 7"], await Texts(page, ".metric-body[data-metric^='esfleet']"));
                Assert.Equal(["metric-danger", "metric-warning"], await page.EvaluateExpressionAsync<string[]>(
                    "Array.from(document.querySelectorAll(\".metric-body[data-metric^='esfleet']\")).map(e => Array.from(e.parentElement.classList).find(c => c.startsWith('metric-')))"));
                foreach (var user in app.Services.GetRequiredService<DashboardSettings>().Users)
                {
                    Assert.DoesNotContain(user.PasswordHash.Split('$')[3], homePage, StringComparison.Ordinal);
                }

                // One date format: Hangfire's own footer too.
                Assert.Matches(IsoTime(), await page.EvaluateExpressionAsync<string>("document.querySelector('[data-moment-local]').textContent"));

                await page.GoToAsync($"{root}/hangfire/recurring");
                Assert.Contains(AuditSettings.RecurringJobId, await page.GetContentAsync(), StringComparison.Ordinal);
                Assert.NotNull(await page.QuerySelectorAsync("button[data-url$='/recurring/trigger']"));

                // The worklist: the three hosts without sinks first, under the readable verdict in its colour, each with
                // what it misses and a link; the unreachable one apart; the healthy ones folded; the run id small.
                await page.GoToAsync($"{root}/hangfire/audit");
                Assert.Equal(runId, await Text(page, "#run-id"));
                Assert.Equal("Completed", await page.EvaluateExpressionAsync<string>("document.querySelector('#run-status').dataset.status"));
                Assert.True(
                    await page.EvaluateExpressionAsync<bool>("parseFloat(getComputedStyle(document.querySelector('#run-id')).fontSize) < parseFloat(getComputedStyle(document.querySelector('h1')).fontSize) / 2"),
                    "the run id is not small");
                Assert.Equal("3", await Text(page, "#tile-needs-action .esf-tile-count"));
                Assert.Equal("1", await Text(page, "#tile-could-not-check .esf-tile-count"));
                Assert.Contains("Exchange event sinks not loaded", await Text(page, "#needs-action h3"), StringComparison.Ordinal);
                Assert.Equal("rgb(198, 40, 40)", await page.EvaluateExpressionAsync<string>("getComputedStyle(document.querySelector('#needs-action h3 .esf-swatch')).backgroundColor"));
                var sick = await Texts(page, "#verdict-MissingSinks tr.esf-host td:first-child a");
                Assert.Equal(3, sick.Length);
                foreach (var missing in await Texts(page, "#verdict-MissingSinks tr.esf-host td:nth-child(4)"))
                {
                    Assert.Contains("X-EXPS", missing, StringComparison.Ordinal);
                    Assert.Contains("XEXCH50", missing, StringComparison.Ordinal);
                }

                Assert.Equal(["0 days"], (await Texts(page, "#verdict-MissingSinks .esf-days")).Distinct());
                Assert.Single(await Texts(page, "#could-not-check tr.esf-host"));
                Assert.Contains("ConnectionRefused", await Text(page, "#verdict-Unreachable"), StringComparison.Ordinal);
                Assert.False(await page.EvaluateExpressionAsync<bool>("document.querySelector('details#healthy').open"));
                Assert.Equal(3, (await Texts(page, "details#healthy tr.esf-host")).Length);
                Assert.Equal("No earlier run to compare with.", await Text(page, "#changes"));

                // A host's page, from its link.
                await Task.WhenAll(page.WaitForNavigationAsync(), page.ClickAsync("#verdict-MissingSinks tr.esf-host td:first-child a"));
                Assert.Equal(sick[0], (await Text(page, "#host-key")).Split(' ')[0]);
                Assert.Equal("Exchange event sinks not loaded", await Text(page, "#verdict .esf-verdict"));
                Assert.NotEmpty(await Texts(page, "#causes li"));
                Assert.NotEmpty(await Texts(page, "#procedures .esf-procedure ol.esf-steps li"));
                Assert.Contains("250-", await Text(page, "#transcript"), StringComparison.Ordinal);
                Assert.Contains("XEXCH50", await Text(page, "#facts"), StringComparison.Ordinal);
                Assert.NotNull(await page.QuerySelectorAsync("#no-tls"));
                Assert.Single(await Texts(page, "#history tr.esf-history"));
                Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d UTC$", await Text(page, "#history tr.esf-history td:first-child"));

                // The runs, and the workbook from the worklist.
                await page.GoToAsync($"{root}/hangfire/audit/runs");
                Assert.Equal(runId, await page.EvaluateExpressionAsync<string>("document.querySelector('#runs tr.esf-run').dataset.run"));
                Assert.Equal("3", await Text(page, "#runs tr.esf-run td[data-group='NeedsAction']"));
                Assert.Equal("1", await Text(page, "#runs tr.esf-run td[data-group='CouldNotCheck']"));
                Assert.NotNull(await page.QuerySelectorAsync("#runs tr.esf-run a.esf-workbook"));

                await page.GoToAsync($"{root}/hangfire/audit");
                await page.Client.SendAsync("Page.setDownloadBehavior", new { behavior = "allow", downloadPath = downloads });
                await page.ClickAsync("#report-link");
                var workbook = Path.Combine(downloads, $"{runId}.en.xlsx");
                await PipelineFixture.WaitForAsync(() => Task.FromResult(File.Exists(workbook)), TimeSpan.FromSeconds(30), "the download");
                using (var opened = new ClosedXML.Excel.XLWorkbook(workbook))
                {
                    Assert.NotEmpty(opened.Worksheets);
                }

                // "Run the audit now": the recurring job is triggered, a second run is made and finished; with the same
                // fleet nothing changed, and the worklist says so instead of listing the still-failing hosts.
                await page.GoToAsync($"{root}/hangfire/audit");
                await page.ClickAsync("#run-now");
                await PipelineFixture.WaitForAsync(
                    async () => (await store.ListRunsAsync(5, cancel)) is [{ Status: Core.Auditing.AuditRunStatus.Completed } latest, ..] && latest.RunId != runId,
                    TimeSpan.FromSeconds(60), "the second run");
                var second = (await store.ListRunsAsync(1, cancel))[0].RunId;
                await PipelineFixture.WaitForAsync(
                    async () => Core.Auditing.AuditWorkflow.IsDone(await app.Services.GetRequiredService<IJobLedger>().StepsAsync(second, cancel), RunSteps.Report),
                    TimeSpan.FromSeconds(60), "the second report");
                await page.GoToAsync($"{root}/hangfire/audit");
                Assert.Equal(second, await Text(page, "#run-id"));
                Assert.StartsWith($"No changes since {runId}, ", await Text(page, "#no-changes"), StringComparison.Ordinal);
                Assert.Equal("4", await page.EvaluateExpressionAsync<string>("document.querySelector('#still-failing').dataset.count"));
                Assert.Null(await page.QuerySelectorAsync("#change-list"));
                await page.GoToAsync($"{root}/hangfire/audit/runs");
                Assert.Equal(2, (await Texts(page, "#runs tr.esf-run")).Length);

                // With the page's antiforgery token, the admin's trigger is accepted: the viewer's refusal below is its role's.
                await page.GoToAsync($"{root}/hangfire/audit");
                Assert.Equal(204, await PostAsync(page, "/hangfire/recurring/trigger", "jobs%5B%5D=nightly-audit"));
            }

            // The viewer.
            await using (var context = await browser.CreateBrowserContextAsync())
            await using (var page = await context.NewPageAsync())
            {
                await page.AuthenticateAsync(new Credentials { Username = "boss", Password = ViewerPassword });
                await page.GoToAsync($"{root}/hangfire/audit");
                Assert.NotNull(await page.QuerySelectorAsync("#needs-action"));
                Assert.Null(await page.QuerySelectorAsync("#run-now"));
                var runsBefore = (await store.ListRunsAsync(10, cancel)).Count;
                var starts = StartJobs(app.Services);
                Assert.Equal(403, await PostAsync(page, "/hangfire/audit/run-now", string.Empty));
                Assert.Equal(starts, StartJobs(app.Services));

                await page.GoToAsync($"{root}/hangfire/recurring");
                Assert.Contains(AuditSettings.RecurringJobId, await page.GetContentAsync(), StringComparison.Ordinal);
                Assert.Null(await page.QuerySelectorAsync("button[data-url$='/recurring/trigger']"));
                Assert.Null(await page.QuerySelectorAsync("button[data-url$='/recurring/remove']"));
                await page.GoToAsync($"{root}/hangfire/jobs/succeeded");
                Assert.Null(await page.QuerySelectorAsync("button[data-url$='/jobs/succeeded/requeue']"));
                Assert.Null(await page.QuerySelectorAsync("button[data-url$='/delete']"));

                var forged = await PostAsync(page, "/hangfire/recurring/trigger", "jobs%5B%5D=nightly-audit");
                Assert.True(forged is 401 or 403, $"a viewer's trigger answered {forged}");
                Assert.True(runsBefore <= (await store.ListRunsAsync(10, cancel)).Count);
            }

            // Without the antiforgery token even the admin's POST is refused, as for Hangfire's own buttons.
            using var http = new HttpClient();
            using var bare = new HttpRequestMessage(HttpMethod.Post, $"{root}/hangfire/audit/run-now");
            bare.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"ops:{AdminPassword}")));
            Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await http.SendAsync(bare, cancel)).StatusCode);
        }
    }

    /// <summary>POSTs from the page with its antiforgery token, as Hangfire's script does; the status code.</summary>
    private static Task<int> PostAsync(IPage page, string path, string body) => page.EvaluateFunctionAsync<int>("""
        async (path, body) => {
            const header = document.querySelector('meta[name="csrf-header"]')?.content;
            const token = document.querySelector('meta[name="csrf-token"]')?.content;
            const headers = { 'Content-Type': 'application/x-www-form-urlencoded' };
            if (header && token) headers[header] = token;
            const response = await fetch(path, { method: 'POST', headers, body });
            return response.status;
        }
        """, path, body);

    private static Task<string> Text(IPage page, string selector) =>
        page.EvaluateFunctionAsync<string>("s => document.querySelector(s).textContent.trim()", selector);

    private static Task<string[]> Texts(IPage page, string selector) =>
        page.EvaluateFunctionAsync<string[]>("s => Array.from(document.querySelectorAll(s)).map(e => e.textContent.trim())", selector);

    /// <summary>Start jobs in the job storage (each queued trigger of nightly-audit is one).</summary>
    private static long StartJobs(IServiceProvider services)
    {
        var monitoring = services.GetRequiredService<JobStorage>().GetMonitoringApi();
        return monitoring.SucceededJobs(0, 1000).Count(j => j.Value.Job?.Method.Name == nameof(AuditJobs.StartAsync))
            + monitoring.EnqueuedCount(AuditQueues.Control) + monitoring.ProcessingCount();
    }

    [GeneratedRegex(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$")]
    private static partial Regex IsoTime();
}
