using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Hosting;
using ExchangeSmtpFleet.Jobs;
using Hangfire;
using Hangfire.InMemory;
using Microsoft.Extensions.DependencyInjection;
using PuppeteerSharp;

namespace ExchangeSmtpFleet.Tests.Jobs;

/// <summary>
/// The dashboard as people use it, in real headless Chromium (Debian's, installed by .ci/run at /usr/bin/chromium): an
/// admin sees nightly-audit and the latest run and downloads its workbook; a viewer sees no trigger or delete button and
/// a trigger request forged by hand is refused.
/// </summary>
public sealed class DashboardBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";
    private const string AdminPassword = "correct-horse-battery";
    private const string ViewerPassword = "tr0ub4dor&3-viewer";

    [Fact]
    public async Task Admin_SeesNightlyAuditAndTheLatestRun_AndDownloadsItsReport_ViewerCannotTriggerOrDelete()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: .ci/run installs Debian's chromium");
        await using var fixture = await PipelineFixture.StartAsync(hosts: 6, latencyMs: 0);
        var settings = fixture.Settings(batchSize: 3, concurrency: 3);
        PipelineFixture.AddUser(settings, 0, "ops", AdminPassword, DashboardSettings.Admin);
        PipelineFixture.AddUser(settings, 1, "boss", ViewerPassword, DashboardSettings.Viewer);
        var cancel = TestContext.Current.CancellationToken;
        var app = JobHost.Build(TimeProvider.System, settings, "/nonexistent/appsettings.json", "http://127.0.0.1:0", (_, _, _) => new InMemoryStorage(), JobHostRole.Serve);
        await using (app)
        {
            await JobHost.StartAsync(app, JobHostRole.Serve, "http://127.0.0.1:0", cancel);
            var runId = await RunAuditAsync(app.Services);
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
                Assert.Contains("Audit: hosts not healthy (latest run)", homePage, StringComparison.Ordinal);
                Assert.Contains("3 / 6", homePage, StringComparison.Ordinal);

                foreach (var user in app.Services.GetRequiredService<DashboardSettings>().Users)
                {
                    Assert.DoesNotContain(user.PasswordHash.Split('$')[3], await page.GetContentAsync(), StringComparison.Ordinal);
                }

                await page.GoToAsync($"{root}/hangfire/recurring");
                var recurring = await page.GetContentAsync();
                Assert.Contains(AuditSettings.RecurringJobId, recurring, StringComparison.Ordinal);
                Assert.NotNull(await page.QuerySelectorAsync("button[data-url$='/recurring/trigger']"));

                await page.GoToAsync($"{root}/hangfire/audit");
                Assert.Equal(runId, await page.EvaluateExpressionAsync<string>("document.querySelector('#run-id').textContent"));
                Assert.Equal("Completed", await page.EvaluateExpressionAsync<string>("document.querySelector('#run-status').textContent"));
                var counts = await page.EvaluateExpressionAsync<int[]>("Array.from(document.querySelectorAll('#verdicts td.count')).map(c => parseInt(c.textContent))");
                Assert.Equal(6, counts.Sum());
                Assert.Equal(2, counts.Length);

                await page.Client.SendAsync("Page.setDownloadBehavior", new { behavior = "allow", downloadPath = downloads });
                await page.ClickAsync("#report-link");
                var workbook = Path.Combine(downloads, $"{runId}.xlsx");
                await PipelineFixture.WaitForAsync(() => Task.FromResult(File.Exists(workbook)), TimeSpan.FromSeconds(30), "the download");
                using var opened = new ClosedXML.Excel.XLWorkbook(workbook);
                Assert.NotEmpty(opened.Worksheets);

                // With the page's antiforgery token, the admin's trigger is accepted: the viewer's refusal below is its role's.
                Assert.Equal(204, await TriggerAsync(page));
            }

            // The viewer.
            await using (var context = await browser.CreateBrowserContextAsync())
            await using (var page = await context.NewPageAsync())
            {
                await page.AuthenticateAsync(new Credentials { Username = "boss", Password = ViewerPassword });
                await page.GoToAsync($"{root}/hangfire/recurring");
                Assert.Contains(AuditSettings.RecurringJobId, await page.GetContentAsync(), StringComparison.Ordinal);
                Assert.Null(await page.QuerySelectorAsync("button[data-url$='/recurring/trigger']"));
                Assert.Null(await page.QuerySelectorAsync("button[data-url$='/recurring/remove']"));
                await page.GoToAsync($"{root}/hangfire/jobs/succeeded");
                Assert.Null(await page.QuerySelectorAsync("button[data-url$='/jobs/succeeded/requeue']"));
                Assert.Null(await page.QuerySelectorAsync("button[data-url$='/delete']"));

                var forged = await TriggerAsync(page);
                Assert.True(forged is 401 or 403, $"a viewer's trigger answered {forged}");
            }
        }
    }

    /// <summary>POSTs a trigger of nightly-audit from the page, with the page's antiforgery token, as Hangfire's script would; the status code.</summary>
    private static Task<int> TriggerAsync(IPage page) => page.EvaluateExpressionAsync<int>("""
        (async () => {
            const header = document.querySelector('meta[name="csrf-header"]')?.content;
            const token = document.querySelector('meta[name="csrf-token"]')?.content;
            const headers = { 'Content-Type': 'application/x-www-form-urlencoded' };
            if (header && token) headers[header] = token;
            const response = await fetch('/hangfire/recurring/trigger', { method: 'POST', headers, body: 'jobs%5B%5D=nightly-audit' });
            return response.status;
        })()
        """);

    private static async Task<string> RunAuditAsync(IServiceProvider services)
    {
        var storage = services.GetRequiredService<JobStorage>();
        var jobId = services.GetRequiredService<IBackgroundJobClient>().Enqueue<AuditJobs>(AuditQueues.Control, j => j.StartAsync(null!, CancellationToken.None));
        var runId = AuditJobs.RunIdOf(storage, jobId);
        var ledger = services.GetRequiredService<IJobLedger>();
        await PipelineFixture.WaitForAsync(
            async () => AuditWorkflow.IsDone(await ledger.StepsAsync(runId, TestContext.Current.CancellationToken), RunSteps.Report),
            TimeSpan.FromSeconds(60), "the report");
        return runId;
    }
}
