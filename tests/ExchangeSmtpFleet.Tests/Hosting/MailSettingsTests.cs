using ExchangeSmtpFleet.Hosting;
using ExchangeSmtpFleet.Infrastructure.Mail;

namespace ExchangeSmtpFleet.Tests.Hosting;

/// <summary>Issue 19 and 18.17: every bad or missing mail setting named at once; a login in clear is warned about; Tls Auto by default.</summary>
public sealed class MailSettingsTests
{
    [Fact]
    public void Problems_EveryBadValue_IsNamedAtOnce()
    {
        var settings = new MailSettings
        {
            Host = "relay.corp.example",
            Port = 0,
            Tls = "Sometimes",
            When = "Never",
            DeadlineSeconds = 1,
            From = "not an address",
            To = string.Empty,
            User = "esfleet",
            MaxAttachmentBytes = -1,
        };

        var problems = settings.Problems().ToList();

        Assert.Equal(
            [
                "Mail:Tls must be Auto, StartTls, Implicit or None, not 'Sometimes'",
                "Mail:When must be Always, Findings or Changes, not 'Never'",
                "Mail:DeadlineSeconds must be 5-3600, not 1",
                "Mail:Port must be between 1 and 65535, not 0",
                "Mail:MaxAttachmentBytes must not be negative, not -1",
                "Mail:From must be a mail address, not 'not an address'",
                "Mail:To needs at least one recipient",
                "Mail:User is set but Mail:Password is empty (set ESF_Mail__Password or a user secret)",
            ],
            problems);
    }

    [Fact]
    public void Problems_MailAskedForWithNothingSet_NamesRelaySenderAndRecipientTogether()
    {
        var settings = new MailSettings();

        Assert.Empty(settings.Problems());
        Assert.Equal(
            ["Mail:Host is not set (the mail relay)", "Mail:From must be a mail address, not ''", "Mail:To needs at least one recipient"],
            settings.Problems(required: true));
    }

    [Theory]
    [InlineData("None", "esfleet", true)]
    [InlineData("none", "esfleet", true)]
    [InlineData("None", null, false)]
    [InlineData("Auto", "esfleet", false)]
    [InlineData("StartTls", "esfleet", false)]
    public void Warnings_ALoginOverPlainSmtp_IsWarnedAbout(string tls, string? user, bool warned)
    {
        var settings = new MailSettings { Host = "relay", Tls = tls, User = user, Password = "s3cret-Pa55", From = "a@example.org", To = "b@example.org" };

        var warnings = settings.Warnings().ToList();

        Assert.Empty(settings.Problems());
        Assert.Equal(warned, warnings.Count == 1);
        Assert.All(warnings, w => Assert.Contains("the password crosses the network in clear", w, StringComparison.Ordinal));
        Assert.DoesNotContain(warnings, w => w.Contains("s3cret", StringComparison.Ordinal));
    }

    [Fact]
    public void Defaults_AreAutoAlwaysAndTwoMinutes_AndReachTheMailer()
    {
        var settings = new MailSettings { Host = "relay", From = "a@example.org", To = "b@example.org", When = "findings" };

        var options = settings.ToOptions(new Uri("https://esfleet.corp.example/"));

        Assert.Equal(MailTls.Auto, options.Tls);
        Assert.Equal(MailWhen.Findings, options.When);
        Assert.Equal(120, options.DeadlineSeconds);
        Assert.Equal("https://esfleet.corp.example/hangfire/audit/run/audit-1", options.RunPage("audit-1")!.AbsoluteUri);
        Assert.Equal(MailTls.Auto, new MailSettings { Host = "relay", From = "a@example.org", To = "b@example.org" }.ToOptions().Tls);
    }

    [Theory]
    [InlineData("https://esfleet.corp.example:5443", true)]
    [InlineData("http://10.1.2.3:5080/esfleet/", true)]
    [InlineData("esfleet.corp.example", false)]
    [InlineData("ftp://esfleet.corp.example", false)]
    [InlineData("https://esfleet.corp.example/?a=1", false)]
    public void DashboardPublicUrl_MustBeAnHttpAddress(string url, bool valid)
    {
        var settings = new DashboardSettings { PublicUrl = url };

        Assert.Equal(valid, !settings.Problems().Any());
        if (valid)
        {
            var page = new MailOptions("relay", 25, MailTls.Auto, null, null, "a@example.org", ["b@example.org"], 1, null, DashboardUrl: settings.PublicUri).RunPage("run 1");
            Assert.EndsWith("/hangfire/audit/run/run%201", page!.AbsoluteUri, StringComparison.Ordinal);
            Assert.StartsWith(url.TrimEnd('/'), page.AbsoluteUri, StringComparison.Ordinal);
        }
    }
}
