using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Probing;
using ExchangeSmtpFleet.Core.Profiles;
using ExchangeSmtpFleet.Simulator;
using ExchangeSmtpFleet.Smtp.Probing;

namespace ExchangeSmtpFleet.Smtp.Tests.Probing;

public sealed class SmtpProberTests
{
    private static readonly ProbeOptions FastOptions = new()
    {
        EhloName = "auditor.test",
        ConnectTimeout = TimeSpan.FromSeconds(2),
        GreetingTimeout = TimeSpan.FromSeconds(2),
        ReplyTimeout = TimeSpan.FromSeconds(2),
        QuitTimeout = TimeSpan.FromSeconds(1),
        HostDeadline = TimeSpan.FromSeconds(20),
        RetryDelay = TimeSpan.FromMilliseconds(50),
    };

    private static async Task<(ProbeResult Probe, ClassificationResult Result)> ProbeAsync(
        string fault, string transcript = "ex2003-healthy-real.txt", ProbeOptions? options = null, int greetingDelayMs = 3000)
    {
        var fleet = new FleetDefinition
        {
            Hosts = [new SimulatedHostDefinition
            {
                Address = Loopback.Next(), Port = 0, Fault = fault, TranscriptText = Loopback.Transcript(transcript),
                GreetingDelayMs = greetingDelayMs,
            }],
        };
        await using var simulator = await SmtpSimulator.StartAsync(fleet, TimeProvider.System);
        var endpoint = simulator.Endpoints[0].EndPoint;
        var probe = await new SmtpProber(options ?? FastOptions, TimeProvider.System)
            .ProbeAsync(endpoint.Address.ToString(), endpoint.Port, null, TestContext.Current.CancellationToken);
        var result = new Classifier(ProfileCatalog.BuiltIn).Classify(probe.Observation,
            ClassificationContext.Default(TimeProvider.System.GetUtcNow()));
        return (probe, result);
    }

    [Theory]
    [InlineData("refuse", Verdict.Unreachable, Reason.ConnectionRefused)]
    [InlineData("silent", Verdict.Unreachable, Reason.GreetingTimeout)]
    [InlineData("close", Verdict.Unreachable, Reason.ConnectionClosed)]
    [InlineData("421", Verdict.Rejected, Reason.ServiceNotAvailable)]
    [InlineData("554", Verdict.Rejected, Reason.NoService)]
    [InlineData("not-smtp", Verdict.ProtocolError, Reason.NotSmtp)]
    [InlineData("garbage", Verdict.ProtocolError, Reason.NotSmtp)]
    [InlineData("ehlo-rejected", Verdict.UnexpectedServer, Reason.NoEsmtp)]
    [InlineData("all-rejected", Verdict.Rejected, Reason.EhloRejected)]
    [InlineData("endless-reply", Verdict.ProtocolError, Reason.ReplyTooLong)]
    [InlineData("cut-mid-reply", Verdict.Unreachable, Reason.ConnectionClosed)]
    [InlineData("long-line", Verdict.ProtocolError, Reason.LineTooLong)]
    [InlineData("none", Verdict.Healthy, Reason.ProfileSatisfied)]
    public async Task Probe_Fault_GivesExpectedVerdictAndReason(string fault, Verdict verdict, Reason reason)
    {
        var (probe, result) = await ProbeAsync(fault);

        Assert.Equal(reason, result.Reason);
        Assert.Equal(verdict, result.Verdict);
        Assert.NotEmpty(probe.Transcript);
    }

    [Fact]
    public async Task Probe_OneByteAtATime_ReassemblesEveryLine()
    {
        // About 1 ms per byte: generous time-outs, the point is fragmentation, not speed.
        var patient = FastOptions with { GreetingTimeout = TimeSpan.FromSeconds(30), ReplyTimeout = TimeSpan.FromSeconds(30), HostDeadline = TimeSpan.FromSeconds(60) };

        var (probe, result) = await ProbeAsync("one-byte-at-a-time", options: patient);

        Assert.Equal(Verdict.Healthy, result.Verdict);
        Assert.Equal(18, probe.Observation.EhloReply!.Value.Lines.Length); // greeting line, 16 keywords, 250 OK
    }

    [Fact]
    public async Task Probe_HealthyHost_RecordsTheWholeDialogueAndTimings()
    {
        var (probe, result) = await ProbeAsync("none");

        var lines = probe.Transcript.Select(l => l.ToString()).ToList();
        Assert.Contains("C: EHLO auditor.test", lines);
        Assert.Contains("C: QUIT", lines);
        Assert.Contains(lines, l => l.StartsWith("S: 221", StringComparison.Ordinal));
        Assert.Equal(ServerFamily.MicrosoftExchange2003, result.Family);
        Assert.NotNull(probe.Timings.ConnectMs);
        Assert.NotNull(probe.Timings.BannerMs);
        Assert.NotNull(probe.Timings.EhloMs);
        Assert.Equal(1, probe.Attempts);
    }

    [Fact]
    public async Task Probe_RefusedHost_IsRetriedOnce()
    {
        var (probe, _) = await ProbeAsync("refuse");

        Assert.Equal(2, probe.Attempts);
    }

    [Fact]
    public async Task Probe_RefusedHostWithoutRetries_TriesOnce()
    {
        var (probe, _) = await ProbeAsync("refuse", options: FastOptions with { ConnectRetries = 0 });

        Assert.Equal(1, probe.Attempts);
    }

    [Fact]
    public async Task Probe_EhloRejected_FallsBackToHelo()
    {
        var (probe, _) = await ProbeAsync("ehlo-rejected");

        Assert.Equal(500, probe.Observation.EhloReply!.Value.Code);
        Assert.Equal(250, probe.Observation.HeloReply!.Value.Code);
        Assert.Contains(probe.Transcript, l => l.ToString() == "C: HELO auditor.test");
    }

    [Fact]
    public async Task Probe_NoService_SaysQuitAndNothingElse()
    {
        var (probe, _) = await ProbeAsync("554");

        var sent = probe.Transcript.Where(l => l.Direction == TranscriptDirection.Client).Select(l => l.Text).ToList();
        Assert.Equal(["QUIT"], sent);
    }

    [Fact]
    public async Task Probe_StartTlsSelfSigned_CapturesCertificateAndPostTlsList()
    {
        var (probe, result) = await ProbeAsync("starttls-self-signed");

        Assert.Equal(Verdict.Healthy, result.Verdict);
        Assert.NotNull(probe.Observation.Tls);
        Assert.Equal("CN=esfleet-simulator", probe.Observation.Tls.Subject);
        Assert.Contains("localhost", probe.Observation.Tls.SubjectAlternativeNames);
        Assert.NotEmpty(probe.Observation.Tls.ValidationErrors);
        Assert.Contains(result.Findings, f => f.Code == FindingCode.CertificateNotTrusted);
        Assert.NotEmpty(result.PostTlsKeywords);
        Assert.DoesNotContain(result.PostTlsKeywords, k => k.Name == "STARTTLS");
        Assert.NotNull(probe.Timings.TlsMs);
    }

    [Fact]
    public async Task Probe_StartTlsTurnedOff_DoesNotUpgrade()
    {
        var (probe, _) = await ProbeAsync("starttls-self-signed", options: FastOptions with { StartTls = false });

        Assert.Null(probe.Observation.Tls);
        Assert.DoesNotContain(probe.Transcript, l => l.Text == "STARTTLS");
    }

    [Fact]
    public async Task Probe_BrokenTls_IsAFindingNotAVerdict()
    {
        var (_, result) = await ProbeAsync("tls-broken");

        Assert.Equal(Verdict.Healthy, result.Verdict);
        Assert.Contains(result.Findings, f => f.Code == FindingCode.StartTlsFailed);
    }

    [Fact]
    public async Task Probe_SlowGreetingWithinTimeout_IsHealthyAndTimed()
    {
        var (probe, result) = await ProbeAsync("slow-greeting", greetingDelayMs: 300);

        Assert.Equal(Verdict.Healthy, result.Verdict);
        Assert.True(probe.Timings.BannerMs >= 250, $"banner took {probe.Timings.BannerMs} ms");
    }

    [Fact]
    public async Task Probe_SlowGreetingPastTimeout_IsGreetingTimeout()
    {
        var (_, result) = await ProbeAsync("slow-greeting", options: FastOptions with { GreetingTimeout = TimeSpan.FromMilliseconds(300) }, greetingDelayMs: 5000);

        Assert.Equal(Reason.GreetingTimeout, result.Reason);
    }

    [Fact]
    public async Task Probe_HostDeadline_EndsAProbeThatPhaseTimeoutsWouldAllow()
    {
        var options = FastOptions with { GreetingTimeout = TimeSpan.FromSeconds(30), HostDeadline = TimeSpan.FromMilliseconds(400) };

        var (_, result) = await ProbeAsync("silent", options: options);

        Assert.Equal(Reason.DeadlineExceeded, result.Reason);
    }

    [Fact]
    public async Task Probe_SessionByteBudget_StopsAnEndlessReply()
    {
        var (_, result) = await ProbeAsync("endless-reply", options: FastOptions with { MaxSessionBytes = 1024 });

        Assert.Equal(Reason.SessionTooLong, result.Reason);
    }

    [Fact]
    public async Task Probe_PostfixTranscript_IsUnexpectedServer()
    {
        var (_, result) = await ProbeAsync("none", "postfix-3-debian.txt", FastOptions with { StartTls = false });

        Assert.Equal(ServerFamily.Postfix, result.Family);
        Assert.Equal(Verdict.UnexpectedServer, result.Verdict);
    }

    [Fact]
    public async Task Probe_UnresolvableName_IsDnsFailure()
    {
        var probe = await new SmtpProber(FastOptions, TimeProvider.System)
            .ProbeAsync("no-such-host.invalid", 25, null, TestContext.Current.CancellationToken);

        Assert.Equal(Reason.DnsFailure, probe.Observation.Failure!.Reason);
    }

    [Fact]
    public async Task Probe_CallerCancels_ThrowsInsteadOfReportingATimeout()
    {
        var fleet = new FleetDefinition
        {
            Hosts = [new SimulatedHostDefinition { Address = Loopback.Next(), Port = 0, Fault = "silent", TranscriptText = Loopback.Transcript("ex2003-healthy-real.txt") }],
        };
        await using var simulator = await SmtpSimulator.StartAsync(fleet, TimeProvider.System);
        var endpoint = simulator.Endpoints[0].EndPoint;
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var prober = new SmtpProber(FastOptions with { GreetingTimeout = TimeSpan.FromSeconds(30) }, TimeProvider.System);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => prober.ProbeAsync(endpoint.Address.ToString(), endpoint.Port, null, cancel.Token));
    }

    [Fact]
    public async Task Probe_LiveCallback_SeesEveryTranscriptLine()
    {
        var fleet = new FleetDefinition
        {
            Hosts = [new SimulatedHostDefinition { Address = Loopback.Next(), Port = 0, TranscriptText = Loopback.Transcript("seed-example-2-missing-sinks.txt") }],
        };
        await using var simulator = await SmtpSimulator.StartAsync(fleet, TimeProvider.System);
        var endpoint = simulator.Endpoints[0].EndPoint;
        var live = new List<TranscriptLine>();

        var probe = await new SmtpProber(FastOptions, TimeProvider.System)
            .ProbeAsync(endpoint.Address.ToString(), endpoint.Port, live.Add, TestContext.Current.CancellationToken);

        Assert.Equal(probe.Transcript, live);
    }

    [Fact]
    public void Options_Invalid_AreRejectedByName()
    {
        var error = Assert.Throws<ArgumentException>(() => new SmtpProber(FastOptions with { ReplyTimeout = TimeSpan.Zero }, TimeProvider.System));

        Assert.Contains("ReplyTimeout", error.Message);
        Assert.Throws<ArgumentException>(() => new SmtpProber(FastOptions with { EhloName = "two words" }, TimeProvider.System));
    }
}
