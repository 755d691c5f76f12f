using System.Collections.Immutable;
using System.Text;
using ExchangeSmtpFleet.Infrastructure.Mail;
using MimeKit;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Mail;

/// <summary>
/// Issue 19 (<c>Mail:Tls=Auto</c>) and 18.5/18.8/18.17: the mail against relays with and without STARTTLS, one that never
/// answers QUIT, one that never stops greeting and one that drips its greeting a byte at a time.
/// </summary>
public sealed class ReportMailerSendTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static MailOptions Options(ScriptedRelay relay, MailTls tls, string? user = null, string? thumbprint = null, int deadline = 30) => new(
        "127.0.0.1", relay.Port, tls, user, user is null ? null : "s3cret-Pa55", "esfleet@audit.example", ["it-leitung@example.org"], 10_000_000, thumbprint,
        DeadlineSeconds: deadline);

    private static MimeMessage Message()
    {
        var message = new MimeMessage { Subject = "Exchange SMTP audit 2026-11-30: 1 server needs action" };
        message.From.Add(MailboxAddress.Parse("esfleet@audit.example"));
        message.To.Add(MailboxAddress.Parse("it-leitung@example.org"));
        message.Body = new TextPart("plain") { Text = "exch03: Load SMTP for Exchange properly" };
        return message;
    }

    [Fact]
    public async Task Auto_ARelayWithStartTls_SendsUnderTls_WithTheCertificateValidated()
    {
        await using var relay = new ScriptedRelay { StartTls = true }.Start();

        var sent = await ReportMailer.SendAsync(Options(relay, MailTls.Auto, user: "esfleet", thumbprint: relay.Certificate!.Thumbprint), Message(), Token);

        var (data, secure) = Assert.Single(relay.Messages);
        Assert.True(secure);
        Assert.Contains("Load SMTP for Exchange properly", data, StringComparison.Ordinal);
        Assert.Contains(relay.Commands, c => c.StartsWith("AUTH", StringComparison.Ordinal));
        Assert.Null(sent.QuitProblem);
    }

    [Fact]
    public async Task Auto_ARelayWithStartTlsAndAnUntrustedCertificate_IsRefused()
    {
        await using var relay = new ScriptedRelay { StartTls = true }.Start();

        var e = await Assert.ThrowsAsync<MailException>(() => ReportMailer.SendAsync(Options(relay, MailTls.Auto), Message(), Token));

        Assert.StartsWith($"mail relay 127.0.0.1:{relay.Port}: ", e.Message, StringComparison.Ordinal);
        Assert.Empty(relay.Messages);
    }

    [Fact]
    public async Task Auto_ARelayWithoutStartTls_SendsPlain()
    {
        await using var relay = new ScriptedRelay().Start();

        await ReportMailer.SendAsync(Options(relay, MailTls.Auto), Message(), Token);

        var (_, secure) = Assert.Single(relay.Messages);
        Assert.False(secure);
        Assert.DoesNotContain("STARTTLS", relay.Commands);
    }

    [Fact]
    public async Task StartTls_ARelayWithoutIt_IsStillRefused()
    {
        await using var relay = new ScriptedRelay().Start();

        var e = await Assert.ThrowsAsync<MailException>(() => ReportMailer.SendAsync(Options(relay, MailTls.StartTls), Message(), Token));

        Assert.Contains("STARTTLS", e.Message, StringComparison.Ordinal);
        Assert.Empty(relay.Messages);
    }

    [Fact]
    public async Task Auto_ALoginToARelayWithoutStartTls_NeverSendsThePasswordInClear()
    {
        await using var relay = new ScriptedRelay().Start();

        var e = await Assert.ThrowsAsync<MailException>(() => ReportMailer.SendAsync(Options(relay, MailTls.Auto, user: "esfleet"), Message(), Token));

        Assert.Contains("not sent in clear", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(relay.Commands, c => c.StartsWith("AUTH", StringComparison.OrdinalIgnoreCase));
        Assert.Empty(relay.Messages);
    }

    [Fact]
    public async Task AcceptedMessage_WhoseQuitIsNeverAnswered_CountsAsSent()
    {
        await using var relay = new ScriptedRelay { AnswerQuit = false }.Start();
        var before = TimeProvider.System.GetUtcNow();

        var sent = await ReportMailer.SendAsync(Options(relay, MailTls.None), Message(), Token);

        Assert.Single(relay.Messages);
        Assert.InRange(sent.AcceptedAt, before, TimeProvider.System.GetUtcNow());
        Assert.Contains("QUIT", sent.QuitProblem, StringComparison.Ordinal);
        Assert.Contains("the message was accepted", sent.QuitProblem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARelayWithAnEndlessGreeting_IsRefusedAtTheReplyLimit()
    {
        // 64 MiB of "220-" lines at most (the test stops by itself), then a final line: without a limit the client reads it all.
        await using var relay = new ScriptedRelay
        {
            Greeting = async (stream, ct) =>
            {
                var line = Encoding.ASCII.GetBytes("220-" + new string('x', 1018) + "\r\n");
                for (var i = 0; i < 64 * 1024; i++)
                {
                    await stream.WriteAsync(line, ct);
                }

                await ScriptedRelay.WriteAsync(stream, "220 relay.test ready\r\n", ct);
            },
        }.Start();

        var e = await Assert.ThrowsAsync<MailException>(() => ReportMailer.SendAsync(Options(relay, MailTls.None), Message(), Token));

        Assert.Contains("without an answer being asked for", e.Message, StringComparison.Ordinal);
        Assert.Empty(relay.Messages);
    }

    [Fact]
    public async Task ARelayThatDripsItsGreeting_IsGivenUpAtTheDeadline()
    {
        // A byte every 400 ms (never long enough for a read's time-out), the greeting complete after about 10 s.
        await using var relay = new ScriptedRelay
        {
            Greeting = async (stream, ct) =>
            {
                foreach (var b in Encoding.ASCII.GetBytes("220 relay.test slowly ready\r\n"))
                {
                    await stream.WriteAsync(new[] { b }, ct);
                    await Task.Delay(400, ct);
                }
            },
        }.Start();

        var e = await Assert.ThrowsAsync<MailException>(() => ReportMailer.SendAsync(Options(relay, MailTls.None, deadline: 2), Message(), Token));

        Assert.Contains("did not finish within 2 s (Mail:DeadlineSeconds)", e.Message, StringComparison.Ordinal);
        Assert.Empty(relay.Messages);
    }

    [Fact]
    public void Options_NeverPrintThePassword()
    {
        var options = new MailOptions("relay", 25, MailTls.Auto, "esfleet", "s3cret-Pa55", "a@example.org", ImmutableArray.Create("b@example.org"), 1, null);

        Assert.DoesNotContain("s3cret", options.ToString(), StringComparison.Ordinal);
    }
}
