using System.Net;
using ExchangeSmtpFleet.Tests.Cli;
using ExchangeSmtpFleet.Tests.Documentation;

namespace ExchangeSmtpFleet.Tests.Jobs;

/// <summary>
/// <c>Mail:When</c> through the real publisher: the audit's own mail step (here the demo's mail job) asks it and may decline,
/// a person's <c>report --email</c> does not ask it; a declined mail job ends the demo's wait instead of holding it forever.
/// </summary>
[Collection(nameof(LabFleet))]
public sealed class DemoMailTests
{
    [Fact]
    public async Task MailWhenChanges_DeclinesTheSecondDemosMailJob_AndTheDemoEnds_ButReportEmailStillSends()
    {
        var data = Path.Combine(CliRunner.DataDirectory, "demo-mail-when");
        var endpoint = new IPEndPoint(IPAddress.Parse("127.48.1.1"), 2587);
        await using var relay = await TestRelay.StartAsync(endpoint, startTls: false);
        var settings = CliRunner.SettingsFile(new Dictionary<string, object>
        {
            ["DATA_DIR"] = data,
            ["Mail"] = new Dictionary<string, object>
            {
                ["Host"] = endpoint.Address.ToString(),
                ["Port"] = endpoint.Port,
                ["Tls"] = "None",
                ["From"] = "esfleet@audit.example",
                ["To"] = "it-leitung@example.org",
                ["When"] = "Changes",
            },
        });

        // The first run adds every host to the inventory: a change, so it is mailed.
        var first = await CliRunner.RunWithSettingsAsync(settings, "demo", "--email").WaitAsync(TimeSpan.FromMinutes(3), TestContext.Current.CancellationToken);
        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Single(relay.Received);

        // The second finds the same fleet: nothing changed, the mail job declines, and the demo says so and ends.
        var second = await CliRunner.RunWithSettingsAsync(settings, "demo", "--email").WaitAsync(TimeSpan.FromMinutes(3), TestContext.Current.CancellationToken);
        Assert.True(second.ExitCode == 0, second.Error);
        Assert.Contains("not mailed: Mail:When is Changes and nothing changed since audit-", second.Error, StringComparison.Ordinal);
        Assert.Single(relay.Received);

        // A person asks for it: Mail:When is not asked, the report goes out once.
        var asked = await CliRunner.RunWithSettingsAsync(settings, "report", "--email");
        Assert.True(asked.ExitCode == 0, asked.Error);
        Assert.Contains("mailed to it-leitung@example.org", asked.Error, StringComparison.Ordinal);
        Assert.Equal(2, relay.Received.Count);
    }
}
