using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Probing;
using ExchangeSmtpFleet.Core.Profiles;
using ExchangeSmtpFleet.Simulator;
using ExchangeSmtpFleet.Smtp.Probing;
using Microsoft.Extensions.Time.Testing;

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

    /// <summary>Every phase but the one a fake-clock test is about waits long (the fake clock jumps a second at a time).</summary>
    private static readonly ProbeOptions Patient = FastOptions with
    {
        ConnectTimeout = TimeSpan.FromSeconds(60),
        GreetingTimeout = TimeSpan.FromSeconds(30),
        ReplyTimeout = TimeSpan.FromSeconds(30),
        HostDeadline = TimeSpan.FromSeconds(120),
    };

    private static readonly DateTimeOffset Start = new(2026, 11, 30, 2, 0, 0, TimeSpan.Zero);

    private static FleetDefinition OneHost(string fault, int greetingDelayMs) => new()
    {
        Hosts = [new SimulatedHostDefinition
        {
            Address = Loopback.Next(), Port = 0, Fault = fault, TranscriptText = Loopback.Transcript("ex2003-healthy-real.txt"),
            GreetingDelayMs = greetingDelayMs,
        }],
    };

    /// <summary>
    /// Probes with the prober and the simulated host on one fake clock: once the host has accepted the connection, the
    /// clock jumps a second at a time (with a short real pause for the sockets) until the probe ends. Time-outs fire by
    /// the fake clock, so no test waits for them and none depends on the machine's speed.
    /// </summary>
    private static async Task<(ProbeResult Probe, ClassificationResult Result)> ProbeOnFakeClockAsync(string fault, ProbeOptions options, int greetingDelayMs = 0)
    {
        var clock = new FakeTimeProvider(Start);
        await using var simulator = await SmtpSimulator.StartAsync(OneHost(fault, greetingDelayMs), clock);
        var endpoint = simulator.Endpoints[0].EndPoint;
        var probing = new SmtpProber(options, clock).ProbeAsync(endpoint.Address.ToString(), endpoint.Port, null, TestContext.Current.CancellationToken);
        await UntilAsync(() => simulator.Statistics.Sessions >= 1);
        for (var jumps = 0; !probing.IsCompleted && jumps < 600; jumps++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(probing, Task.Delay(20, TestContext.Current.CancellationToken));
        }

        var probe = await probing;
        var result = new Classifier(ProfileCatalog.BuiltIn).Classify(probe.Observation, ClassificationContext.Default(clock.GetUtcNow()));
        return (probe, result);
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        for (var i = 0; !condition(); i++)
        {
            Assert.True(i < 1000, "the simulated host never saw the connection");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }

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
    [InlineData("early-talker", Verdict.MissingSinks, Reason.ExchangeKeywordsAbsent)]
    [InlineData("ehlo-ends-421", Verdict.Rejected, Reason.ServiceNotAvailable)]
    public async Task Probe_Fault_GivesExpectedVerdictAndReason(string fault, Verdict verdict, Reason reason)
    {
        var (probe, result) = await ProbeAsync(fault);

        Assert.Equal(reason, result.Reason);
        Assert.Equal(verdict, result.Verdict);
        Assert.NotEmpty(probe.Transcript);
    }

    /// <summary>Issue 7, defect 7: a healthy list sent before EHLO must not hide the broken answer to the EHLO itself.</summary>
    [Fact]
    public async Task Probe_EarlyTalker_IsJudgedByTheReplyToItsOwnEhloWithAFinding()
    {
        var (probe, result) = await ProbeAsync("early-talker");

        Assert.Equal(Verdict.MissingSinks, result.Verdict);
        var finding = Assert.Single(result.Findings, f => f.Code == FindingCode.UnsolicitedData);
        Assert.Equal("18", finding.Arguments[0]);
        Assert.Equal(18, probe.Observation.UnsolicitedLineCount);
        Assert.DoesNotContain(result.Keywords, k => k.Name == "XEXCH50");
    }

    /// <summary>Issue 7, defect 8: the final line's code decides; 4.3.2 is no keyword and 421 is no metabase corruption.</summary>
    [Fact]
    public async Task Probe_EhloEndingIn421_IsRejectedNotJudgedByItsKeywords()
    {
        var (probe, result) = await ProbeAsync("ehlo-ends-421");

        Assert.Equal(421, probe.Observation.EhloReply!.Value.Code);
        Assert.Equal(Reason.ServiceNotAvailable, result.Reason);
        Assert.Empty(result.Keywords);
        Assert.Contains("421 4.3.2 Service shutting down", result.Detail, StringComparison.Ordinal);
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
        var (probe, result) = await ProbeAsync("tls-broken");

        Assert.Equal(Verdict.Healthy, result.Verdict);
        var finding = Assert.Single(result.Findings, f => f.Code == FindingCode.StartTlsFailed);

        // Issue 7, defect 11: the plaintext sent behind the 220 stays evidence when the handshake then fails.
        Assert.Contains("bytes after its STARTTLS 220", finding.Message, StringComparison.Ordinal);
        Assert.Contains("TLS handshake", finding.Message, StringComparison.Ordinal);
        Assert.Contains(probe.Transcript, l => l.ToString() == "S: this is not a TLS record");
    }

    [Fact]
    public async Task Probe_BareCrLines_AreAProtocolErrorWithTheBytesAsEvidence()
    {
        var (probe, result) = await ProbeOnFakeClockAsync("bare-cr", Patient with { GreetingTimeout = TimeSpan.FromSeconds(2) });

        Assert.Equal(Reason.NotSmtp, result.Reason);
        Assert.Contains("bare CR", result.Detail, StringComparison.Ordinal);
        Assert.Contains(probe.Transcript, l => l.Direction == TranscriptDirection.Server && l.Text.StartsWith("220 ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(System.Net.Sockets.SocketError.ConnectionReset, Reason.ConnectionClosed)]
    [InlineData(System.Net.Sockets.SocketError.ConnectionAborted, Reason.ConnectionClosed)]
    [InlineData(System.Net.Sockets.SocketError.ConnectionRefused, Reason.ConnectionRefused)]
    [InlineData(System.Net.Sockets.SocketError.TimedOut, Reason.ConnectTimeout)]
    [InlineData(System.Net.Sockets.SocketError.HostUnreachable, Reason.NetworkUnreachable)]
    [InlineData(System.Net.Sockets.SocketError.NetworkUnreachable, Reason.NetworkUnreachable)]
    public void ConnectError_Reset_IsAClosedConnectionNotAnUnreachableNetwork(System.Net.Sockets.SocketError error, Reason expected)
    {
        Assert.Equal(expected, SmtpProber.ReasonOfConnectError(error));
    }

    [Fact]
    public async Task Probe_SilentHost_IsGreetingTimeoutAfterTheGreetingTimeout()
    {
        var (probe, result) = await ProbeOnFakeClockAsync("silent", Patient with { GreetingTimeout = TimeSpan.FromSeconds(2) });

        Assert.Equal(Reason.GreetingTimeout, result.Reason);
        Assert.Contains("within 2 s", result.Detail, StringComparison.Ordinal);
        Assert.Null(probe.Timings.BannerMs);
    }

    [Fact]
    public async Task Probe_SlowGreetingWithinTimeout_IsHealthyWithASlowGreetingFinding()
    {
        // 15 s on the fake clock: past the 10 s finding threshold, within the 30 s greeting time-out.
        var (probe, result) = await ProbeOnFakeClockAsync("slow-greeting", Patient, greetingDelayMs: 15_000);

        Assert.Equal(Verdict.Healthy, result.Verdict);
        Assert.Contains(result.Findings, f => f.Code == FindingCode.SlowGreeting);
        Assert.True(probe.Timings.BannerMs >= 10_000, $"banner took {probe.Timings.BannerMs} ms on the fake clock");
    }

    [Fact]
    public async Task Probe_SlowGreetingPastTimeout_IsGreetingTimeout()
    {
        var (_, result) = await ProbeOnFakeClockAsync("slow-greeting", Patient with { GreetingTimeout = TimeSpan.FromSeconds(5) }, greetingDelayMs: 60_000);

        Assert.Equal(Reason.GreetingTimeout, result.Reason);
    }

    [Fact]
    public async Task Probe_HostDeadline_EndsAProbeThatPhaseTimeoutsWouldAllow()
    {
        var (_, result) = await ProbeOnFakeClockAsync("silent", Patient with { HostDeadline = TimeSpan.FromSeconds(4) });

        Assert.Equal(Reason.DeadlineExceeded, result.Reason);
        Assert.Contains("deadline of 4 s", result.Detail, StringComparison.Ordinal);
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

    [Theory]
    [InlineData("127.0.0.010")]
    [InlineData("0x7f.0.0.1")]
    [InlineData("127.1")]
    public async Task Probe_LegacyNumericHost_NeverConnectsToAnotherAddress(string host)
    {
        var probe = await new SmtpProber(FastOptions, TimeProvider.System).ProbeAsync(host, 25, null, TestContext.Current.CancellationToken);

        Assert.Equal(Reason.DnsFailure, probe.Observation.Failure!.Reason);
        Assert.Null(probe.Address);
        Assert.DoesNotContain(probe.Transcript, l => l.Text.StartsWith("connecting", StringComparison.Ordinal));
    }

    /// <summary>Issue 7, defect 4: a resolver that never answers (and ignores cancellation) is bounded by the connect time-out.</summary>
    [Fact]
    public async Task Probe_ResolverNeverAnswers_IsDnsFailureAfterTheConnectTimeout()
    {
        var clock = new FakeTimeProvider(Start);
        var prober = new SmtpProber(Patient with { ConnectTimeout = TimeSpan.FromSeconds(2) }, clock, NeverAnswers);

        var probing = prober.ProbeAsync("mail1.corp.test", 25, null, TestContext.Current.CancellationToken);
        for (var jumps = 0; !probing.IsCompleted && jumps < 100; jumps++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(probing, Task.Delay(10, TestContext.Current.CancellationToken));
        }

        var probe = await probing.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.Equal(Reason.DnsFailure, probe.Observation.Failure!.Reason);
        Assert.Contains("name resolution gave no answer within 2 s", probe.Observation.Failure.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_CallerCancelsDuringANameLookup_ThrowsAtOnce()
    {
        using var cancel = new CancellationTokenSource();
        var probing = new SmtpProber(Patient, new FakeTimeProvider(Start), NeverAnswers).ProbeAsync("mail1.corp.test", 25, null, cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => probing.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
    }

    /// <summary>A resolver that neither answers nor honours its token, like a blocking getaddrinfo against a dead DNS server.</summary>
    private static Task<System.Net.IPAddress[]> NeverAnswers(string host, CancellationToken token) => new TaskCompletionSource<System.Net.IPAddress[]>().Task;

    [Fact]
    public async Task Probe_CallerCancels_ThrowsInsteadOfReportingATimeout()
    {
        var clock = new FakeTimeProvider(Start);
        await using var simulator = await SmtpSimulator.StartAsync(OneHost("silent", 0), clock);
        var endpoint = simulator.Endpoints[0].EndPoint;
        using var cancel = new CancellationTokenSource();
        var probing = new SmtpProber(Patient, clock).ProbeAsync(endpoint.Address.ToString(), endpoint.Port, null, cancel.Token);
        await UntilAsync(() => simulator.Statistics.Sessions >= 1);

        // The clock stands still: only the caller's cancellation can end this probe, and it must not read as a time-out.
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => probing);
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
