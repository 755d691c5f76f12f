using System.Net;
using System.Text.RegularExpressions;
using ExchangeSmtpFleet.Hosting;
using ExchangeSmtpFleet.Tests.Cli;

namespace ExchangeSmtpFleet.Tests.Jobs;

/// <summary><c>esfleet demo --serve</c> as a real process: the audit, then the dashboard open on the run until SIGTERM.</summary>
[Collection(nameof(Documentation.LabFleet))]
public sealed partial class DemoServeTests
{
    [Fact]
    public async Task DemoServe_KeepsTheDashboardOpenOnTheRun_UntilSigterm_AndLogsNoHash()
    {
        var data = Path.Combine(CliRunner.DataDirectory, "demo-serve");
        var hash = PasswordHash.Create("correct-horse-battery", 10_000);
        var environment = new Dictionary<string, string>
        {
            ["ESF_DATA_DIR"] = data,
            ["ESF_Dashboard__Users__0__Name"] = "ops",
            ["ESF_Dashboard__Users__0__PasswordHash"] = hash,
            ["ESF_Dashboard__Users__0__Role"] = "viewer",
            ["ESF_Logging__LogLevel__Default"] = "Information",
        };
        var demo = ServeProcess.Run(environment, null, ["demo", "--serve", "--urls", "http://127.0.0.1:0",
            "--inventory", CliRunner.Sample("inventory-lab.csv"), "--simulate", CliRunner.Sample("lab-fleet.json")]);
        try
        {
            await PipelineFixture.WaitForAsync(() => Task.FromResult(Dashboard().IsMatch(demo.Log.ToString())), TimeSpan.FromSeconds(90), $"the dashboard's address ({demo.Log})");
            var page = Dashboard().Match(demo.Log.ToString()).Groups[1].Value;
            using var http = new HttpClient();
            using var request = new HttpRequestMessage(HttpMethod.Get, page);
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String("ops:correct-horse-battery"u8.ToArray()));
            var answer = await http.SendAsync(request, TestContext.Current.CancellationToken);
            var html = await answer.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            // The lab fleet: 5 Exchange servers need action (3 without sinks, 2 metabase), 13 could not be checked, 9 healthy.
            Assert.Contains("id=\"tile-needs-action\" style=\"background:#C62828;text-decoration:none\"><span class=\"esf-tile-count\">5</span>", html, StringComparison.Ordinal);
            Assert.Contains("id=\"tile-healthy\" style=\"background:#2E7D32;text-decoration:none\"><span class=\"esf-tile-count\">9</span>", html, StringComparison.Ordinal);
            Assert.Contains("report-link", html, StringComparison.Ordinal);
            Assert.Contains("esfleet demo: nightly-audit registered on the demo's job storage", demo.Log.ToString(), StringComparison.Ordinal);
            Assert.Contains("Nightly audit nightly-audit: 0 2 * * * (UTC), next run ", html, StringComparison.Ordinal);

            using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", demo.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!)
            {
                await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
            }

            await demo.Process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
            Assert.True(demo.Process.ExitCode == 0, demo.Log.ToString());
            Assert.Contains("Total                              31", demo.Log.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(hash.Split('$')[3], demo.Log.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            demo.Stop();
        }
    }

    [GeneratedRegex(@"and (http://\S+/hangfire/audit) \(the run\)")]
    private static partial Regex Dashboard();
}
