using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Profiles;

namespace ExchangeSmtpFleet.Core.Tests.Classification;

public sealed class ClassifierTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 2, 30, 0, TimeSpan.Zero);
    private readonly Classifier _classifier = new(ProfileCatalog.BuiltIn);

    private ClassificationResult Classify(ObservationBuilder builder, string profile = "exchange-2003", string[]? ignore = null, string? name = null) =>
        _classifier.Classify(builder.Build(), new ClassificationContext(profile, [.. ignore ?? []], name, Now));

    [Fact]
    public void Classify_CompleteExchange2003List_IsHealthy()
    {
        var result = Classify(ObservationBuilder.Ex2003());

        Assert.Equal(Verdict.Healthy, result.Verdict);
        Assert.Equal(Reason.ProfileSatisfied, result.Reason);
        Assert.Equal(ServerFamily.MicrosoftExchange2003, result.Family);
        Assert.Empty(result.Missing);
    }

    [Fact]
    public void Classify_AtrnMissing_IsStillHealthy()
    {
        Assert.Equal(Verdict.Healthy, Classify(ObservationBuilder.Ex2003Without("ATRN")).Verdict);
    }

    [Fact]
    public void Classify_AllExchangeKeywordsMissing_IsMissingSinks()
    {
        var result = Classify(ObservationBuilder.Ex2003Without("X-EXPS", "X-EXPS=LOGIN", "X-LINK2STATE", "XEXCH50"));

        Assert.Equal(Verdict.MissingSinks, result.Verdict);
        Assert.Equal(Reason.ExchangeKeywordsAbsent, result.Reason);
        Assert.Equal(ServerFamily.MicrosoftIis, result.Family);
        Assert.Equal(["X-EXPS", "X-EXPS=LOGIN", "X-LINK2STATE", "XEXCH50"], result.Missing);
    }

    [Theory]
    [InlineData("XEXCH50")]
    [InlineData("X-LINK2STATE")]
    [InlineData("X-EXPS=LOGIN")]
    [InlineData("X-EXPS", "X-EXPS=LOGIN", "X-LINK2STATE")]
    public void Classify_SomeExchangeKeywordsMissing_IsSuspectedMetabaseCorruption(params string[] missing)
    {
        var result = Classify(ObservationBuilder.Ex2003Without(missing));

        Assert.Equal(Verdict.SuspectedMetabaseCorruption, result.Verdict);
        Assert.Equal(Reason.ExchangeKeywordsIncomplete, result.Reason);
        Assert.Equal(missing, result.Missing);
    }

    [Theory]
    [InlineData("CHUNKING")]
    [InlineData("TURN", "ETRN", "DSN")]
    [InlineData("8BITMIME")]
    public void Classify_WindowsKeywordsMissing_IsSuspectedMetabaseCorruption(params string[] missing)
    {
        var result = Classify(ObservationBuilder.Ex2003Without(missing));

        Assert.Equal(Verdict.SuspectedMetabaseCorruption, result.Verdict);
        Assert.Equal(Reason.WindowsKeywordsIncomplete, result.Reason);
    }

    [Fact]
    public void Classify_AllExchangeAndSomeWindowsKeywordsMissing_IsCorruptionNotMissingSinks()
    {
        var result = Classify(ObservationBuilder.Ex2003Without("X-EXPS", "X-EXPS=LOGIN", "X-LINK2STATE", "XEXCH50", "CHUNKING"));

        Assert.Equal(Verdict.SuspectedMetabaseCorruption, result.Verdict);
        Assert.Equal(Reason.KeywordListIncomplete, result.Reason);
    }

    [Fact]
    public void Classify_MissingKeywordInIgnoreVerbs_IsHealthy()
    {
        var result = Classify(ObservationBuilder.Ex2003Without("XEXCH50", "TURN"), ignore: ["XEXCH50", "TURN"]);

        Assert.Equal(Verdict.Healthy, result.Verdict);
        Assert.Empty(result.Missing);
    }

    [Fact]
    public void Classify_IgnoredXexch50AndOtherSinksMissing_IsMissingSinks()
    {
        var result = Classify(ObservationBuilder.Ex2003Without("X-EXPS", "X-EXPS=LOGIN", "X-LINK2STATE", "XEXCH50"), ignore: ["XEXCH50"]);

        Assert.Equal(Verdict.MissingSinks, result.Verdict);
        Assert.DoesNotContain("XEXCH50", result.Missing);
    }

    [Fact]
    public void Classify_MaskedKeywords_IsUnexpectedServerNeverMissingSinks()
    {
        var builder = new ObservationBuilder().Greeting(ObservationBuilder.Ex2003Banner).Ehlo(
            "250-mail1 Hello [172.16.0.1]", "250-TURN", "250-ATRN", "250-SIZE", "250-ETRN", "250-PIPELINING", "250-DSN",
            "250-ENHANCEDSTATUSCODES", "250-8bitmime", "250-BINARYMIME", "250-CHUNKING", "250-VRFY", "250-AUTH NTLM",
            "250-XXXXXXXA", "250-XXXXXXXA", "250 OK");

        var result = Classify(builder);

        Assert.Equal(Verdict.UnexpectedServer, result.Verdict);
        Assert.Equal(Reason.MaskedByFirewall, result.Reason);
        Assert.Equal(ServerFamily.Masked, result.Family);
    }

    [Fact]
    public void Classify_MaskedBannerWindowsOnlyList_IsUnexpectedServerNeverMissingSinks()
    {
        var builder = new ObservationBuilder().Greeting("220 ******************************************").Ehlo(
            "250-mail1 Hello [172.16.0.1]", "250-TURN", "250-ATRN", "250-SIZE", "250-ETRN", "250-PIPELINING", "250-DSN",
            "250-ENHANCEDSTATUSCODES", "250-8bitmime", "250-BINARYMIME", "250-CHUNKING", "250-VRFY", "250-AUTH NTLM", "250 OK");

        var result = Classify(builder);

        Assert.Equal(Reason.MaskedByFirewall, result.Reason);
    }

    [Fact]
    public void Classify_MaskedBannerEhloRefused_IsRejectedByFirewall()
    {
        var builder = new ObservationBuilder().Greeting("220 ******************************************")
            .Ehlo("500 5.5.1 Command unrecognized").Helo("250 mail1 Hello");

        var result = Classify(builder);

        Assert.Equal(Verdict.Rejected, result.Verdict);
        Assert.Equal(Reason.EhloRejectedByFirewall, result.Reason);
    }

    [Fact]
    public void Classify_Exchange2010_IsUnexpectedServerForExchange2003Profile()
    {
        var builder = new ObservationBuilder()
            .Greeting("220 hub.example.com Microsoft ESMTP MAIL Service ready at Fri, 15 Nov 2019 16:49:11 +0800")
            .Ehlo("250-hub.example.com Hello [10.0.0.1]", "250-SIZE", "250-PIPELINING", "250-STARTTLS", "250-X-ANONYMOUSTLS",
                "250-X-EXPS GSSAPI NTLM", "250-XEXCH50", "250 XSHADOW");

        var result = Classify(builder);

        Assert.Equal(Verdict.UnexpectedServer, result.Verdict);
        Assert.Equal(Reason.UnexpectedFamily, result.Reason);
        Assert.Equal(ServerFamily.MicrosoftExchange2007Plus, result.Family);
        Assert.Contains("XSHADOW", result.Unexpected);
    }

    [Fact]
    public void Classify_Exchange2010AgainstItsOwnProfile_IsHealthy()
    {
        var builder = new ObservationBuilder()
            .Greeting("220 hub.example.com Microsoft ESMTP MAIL Service ready at Fri, 15 Nov 2019 16:49:11 +0800")
            .Ehlo("250-hub.example.com Hello [10.0.0.1]", "250-SIZE", "250-PIPELINING", "250-DSN", "250-ENHANCEDSTATUSCODES",
                "250-STARTTLS", "250-X-ANONYMOUSTLS", "250-X-EXPS GSSAPI NTLM", "250-8BITMIME", "250-BINARYMIME", "250-CHUNKING", "250 XSHADOW");

        Assert.Equal(Verdict.Healthy, Classify(builder, profile: "exchange-2007+").Verdict);
    }

    [Fact]
    public void Classify_RequiredKeywordMissingInNonSinkProfile_IsUnexpectedServer()
    {
        var builder = new ObservationBuilder()
            .Greeting("220 hub.example.com Microsoft ESMTP MAIL Service ready at Fri, 15 Nov 2019 16:49:11 +0800")
            .Ehlo("250-hub.example.com Hello [10.0.0.1]", "250-SIZE", "250-X-ANONYMOUSTLS", "250 X-EXPS NTLM");

        var result = Classify(builder, profile: "exchange-2007+");

        Assert.Equal(Reason.RequiredKeywordsMissing, result.Reason);
        Assert.Contains("CHUNKING", result.Missing);
    }

    [Fact]
    public void Classify_Postfix_IsUnexpectedServer()
    {
        var builder = new ObservationBuilder().Greeting("220 mx ESMTP Postfix").Ehlo("250-mx", "250-PIPELINING", "250 SIZE 10240000");

        var result = Classify(builder);

        Assert.Equal(Reason.UnexpectedFamily, result.Reason);
        Assert.Equal(ServerFamily.Postfix, result.Family);
    }

    [Fact]
    public void Classify_AnySmtpProfile_AcceptsAnyFamily()
    {
        var builder = new ObservationBuilder().Greeting("220 mx ESMTP Postfix").Ehlo("250-mx", "250-PIPELINING", "250 SIZE 10240000");

        var result = Classify(builder, profile: "any-smtp");

        Assert.Equal(Verdict.Healthy, result.Verdict);
        Assert.Empty(result.Unexpected);
    }

    [Theory]
    [InlineData("421 4.3.2 Service not available", Reason.ServiceNotAvailable)]
    [InlineData("554 5.7.1 No SMTP service here", Reason.NoService)]
    public void Classify_RefusingGreeting_IsRejected(string greeting, Reason reason)
    {
        var result = Classify(new ObservationBuilder().Greeting(greeting));

        Assert.Equal(Verdict.Rejected, result.Verdict);
        Assert.Equal(reason, result.Reason);
    }

    [Fact]
    public void Classify_EhloAnswered421_IsRejected()
    {
        var result = Classify(new ObservationBuilder().Greeting(ObservationBuilder.Ex2003Banner).Ehlo("421 4.4.2 Timeout"));

        Assert.Equal(Reason.ServiceNotAvailable, result.Reason);
    }

    [Fact]
    public void Classify_EhloRefusedHeloAccepted_IsNoEsmtp()
    {
        var result = Classify(new ObservationBuilder().Greeting("220 old.example.com SMTP ready")
            .Ehlo("502 5.5.2 Command not implemented").Helo("250 old.example.com"));

        Assert.Equal(Verdict.UnexpectedServer, result.Verdict);
        Assert.Equal(Reason.NoEsmtp, result.Reason);
        Assert.Contains(result.Findings, f => f.Code == FindingCode.HeloFallback);
    }

    [Fact]
    public void Classify_EhloAndHeloRefused_IsRejected()
    {
        var result = Classify(new ObservationBuilder().Greeting("220 host ready").Ehlo("550 go away").Helo("550 go away"));

        Assert.Equal(Verdict.Rejected, result.Verdict);
        Assert.Equal(Reason.EhloRejected, result.Reason);
    }

    [Fact]
    public void Classify_EhloRefusedThenLineDroppedBeforeHelo_IsStillARefusal()
    {
        var result = Classify(new ObservationBuilder().Greeting("220 host ready").Ehlo("500 unrecognized").Failure(Reason.ConnectionClosed));

        Assert.Equal(Reason.EhloRejected, result.Reason);
    }

    [Fact]
    public void Classify_TemporaryEhloFailureThenLineDropped_TakesTheFailure()
    {
        var result = Classify(new ObservationBuilder().Greeting("220 host ready").Ehlo("451 try later").Failure(Reason.ConnectionClosed));

        Assert.Equal(Reason.ConnectionClosed, result.Reason);
        Assert.Equal(Verdict.Unreachable, result.Verdict);
    }

    [Theory]
    [InlineData(Reason.ConnectionRefused, Verdict.Unreachable)]
    [InlineData(Reason.DnsFailure, Verdict.Unreachable)]
    [InlineData(Reason.GreetingTimeout, Verdict.Unreachable)]
    [InlineData(Reason.ConnectionClosed, Verdict.Unreachable)]
    [InlineData(Reason.NotSmtp, Verdict.ProtocolError)]
    [InlineData(Reason.LineTooLong, Verdict.ProtocolError)]
    [InlineData(Reason.ReplyTooLong, Verdict.ProtocolError)]
    public void Classify_FailureBeforeEhlo_TakesFailureReason(Reason reason, Verdict verdict)
    {
        var result = Classify(new ObservationBuilder().Failure(reason, "detail text"));

        Assert.Equal(verdict, result.Verdict);
        Assert.Equal(reason, result.Reason);
        Assert.Equal("detail text", result.Detail);
    }

    [Fact]
    public void Classify_FailureAfterEhlo_JudgesTheListAndNotesTheFailure()
    {
        var result = Classify(ObservationBuilder.Ex2003().Failure(Reason.ConnectionClosed, "closed during QUIT"));

        Assert.Equal(Verdict.Healthy, result.Verdict);
        Assert.Contains(result.Findings, f => f.Code == FindingCode.DialogueEndedEarly);
    }

    [Fact]
    public void Classify_GreetingOnly_IsIncompleteTranscript()
    {
        var result = Classify(new ObservationBuilder().Greeting(ObservationBuilder.Ex2003Banner));

        Assert.Equal(Verdict.ProtocolError, result.Verdict);
        Assert.Equal(Reason.IncompleteTranscript, result.Reason);
    }

    [Fact]
    public void Classify_BannerNameDiffersFromInventory_AddsFinding()
    {
        var result = Classify(ObservationBuilder.Ex2003(), name: "exch07.corp.example");

        Assert.Contains(result.Findings, f => f.Code == FindingCode.BannerNameMismatch && f.Message.Contains("exch07.corp.example"));
    }

    [Theory]
    [InlineData("mail1")]
    [InlineData("MAIL1.example.com")]
    public void Classify_BannerNameMatchesInventory_NoFinding(string name)
    {
        var result = Classify(ObservationBuilder.Ex2003(), name: name);

        Assert.DoesNotContain(result.Findings, f => f.Code == FindingCode.BannerNameMismatch);
    }

    [Fact]
    public void Classify_ReplyCodeAnomaly_IsAFindingNotAVerdictChange()
    {
        var lines = ObservationBuilder.HealthyEx2003Ehlo.Select(l => l == "250-X-EXPS=LOGIN" ? "240-X-EXPS=LOGIN" : l).ToArray();

        var result = Classify(new ObservationBuilder().Ehlo(lines));

        Assert.Equal(Verdict.Healthy, result.Verdict);
        Assert.Contains(result.Findings, f => f.Code == FindingCode.ReplyCodeAnomaly);
    }

    [Fact]
    public void Classify_ExpiredAndUntrustedCertificate_AddsFindings()
    {
        var tls = new TlsObservation
        {
            Subject = "CN=mail1",
            NotAfter = Now.AddDays(-1),
            ValidationErrors = ["RemoteCertificateChainErrors: self-signed"],
        };

        var result = Classify(ObservationBuilder.Ex2003().Tls(tls));

        Assert.Equal(Verdict.Healthy, result.Verdict);
        Assert.Contains(result.Findings, f => f.Code == FindingCode.CertificateExpired && f.Severity == FindingSeverity.Error);
        Assert.Contains(result.Findings, f => f.Code == FindingCode.CertificateNotTrusted);
    }

    [Fact]
    public void Classify_CertificateExpiringSoon_AddsWarning()
    {
        var result = Classify(ObservationBuilder.Ex2003().Tls(new TlsObservation { Subject = "CN=mail1", NotAfter = Now.AddDays(10) }));

        Assert.Contains(result.Findings, f => f.Code == FindingCode.CertificateExpiring);
    }

    [Fact]
    public void Classify_AnonymousTlsWithoutStartTls_AddsFinding()
    {
        var builder = new ObservationBuilder()
            .Greeting("220 hub.example.com Microsoft ESMTP MAIL Service ready at Fri, 15 Nov 2019 16:49:11 +0800")
            .Ehlo("250-hub.example.com Hello [10.0.0.1]", "250-SIZE", "250-X-ANONYMOUSTLS", "250 X-EXPS NTLM");

        Assert.Contains(Classify(builder).Findings, f => f.Code == FindingCode.StartTlsNotAdvertised);
    }

    [Fact]
    public void Classify_PostTlsListDiffers_KeepsBothListsAndJudgesPreTls()
    {
        var post = ObservationBuilder.HealthyEx2003Ehlo.Where(l => l != "250-X-LINK2STATE").ToArray();
        var pre = ObservationBuilder.HealthyEx2003Ehlo.Take(1).Append("250-STARTTLS").Concat(ObservationBuilder.HealthyEx2003Ehlo.Skip(1)).ToArray();

        var result = Classify(new ObservationBuilder().Ehlo(pre).PostTlsEhlo(post));

        Assert.Equal(Verdict.Healthy, result.Verdict);
        Assert.NotEmpty(result.PostTlsKeywords);
        Assert.Contains(result.Findings, f => f.Code == FindingCode.PostTlsKeywordsDiffer && f.Message.Contains("X-LINK2STATE"));
    }

    [Fact]
    public void Classify_SlowGreeting_AddsFinding()
    {
        var result = Classify(ObservationBuilder.Ex2003().GreetingTime(TimeSpan.FromSeconds(25)));

        Assert.Contains(result.Findings, f => f.Code == FindingCode.SlowGreeting);
    }

    [Fact]
    public void Classify_Iis7VersionWithExchange2003Keywords_FlagsEmulation()
    {
        var result = Classify(new ObservationBuilder()
            .Greeting("220 mail1 Microsoft ESMTP MAIL Service, Version: 7.5.7601.17514 ready at Mon, 1 Jan 2024")
            .Ehlo(ObservationBuilder.HealthyEx2003Ehlo));

        Assert.Contains(result.Findings, f => f.Code == FindingCode.ImplausibleVersion);
    }

    [Fact]
    public void Classify_UnknownProfile_Throws()
    {
        Assert.Throws<KeyNotFoundException>(() => Classify(ObservationBuilder.Ex2003(), profile: "no-such-profile"));
    }

    [Fact]
    public void ReasonVerdicts_EveryReasonMapsToAVerdict()
    {
        var verdicts = Enum.GetValues<Reason>().Select(ReasonVerdicts.VerdictOf).ToHashSet();

        Assert.Equal(Enum.GetValues<Verdict>().ToHashSet(), verdicts);
    }

    /// <summary>Issue 7, defect 8: the final line's code decides what a reply is (RFC 5321 4.2.1); 421 anywhere is Rejected.</summary>
    [Fact]
    public void Classify_EhloKeywordsEndingIn421_IsServiceNotAvailableWithoutKeywords()
    {
        var lines = ObservationBuilder.HealthyEx2003Ehlo[..^1].Append("421 4.3.2 Service shutting down").ToArray();

        var result = Classify(new ObservationBuilder().Greeting(ObservationBuilder.Ex2003Banner).Ehlo(lines));

        Assert.Equal(Verdict.Rejected, result.Verdict);
        Assert.Equal(Reason.ServiceNotAvailable, result.Reason);
        Assert.Empty(result.Keywords);
        Assert.DoesNotContain(result.Keywords, k => k.Name == "4.3.2");
    }

    [Fact]
    public void Classify_StartTlsAnswered421_IsServiceNotAvailable()
    {
        var observation = ObservationBuilder.Ex2003().Build() with { StartTlsReply = ObservationBuilder.Reply("421 4.3.2 Service shutting down") };

        var result = new Classifier(ProfileCatalog.BuiltIn).Classify(observation, ClassificationContext.Default(DateTimeOffset.UnixEpoch));

        Assert.Equal(Reason.ServiceNotAvailable, result.Reason);
        Assert.Contains("STARTTLS answered 421", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_PostTlsEhloAnswered421_IsServiceNotAvailable()
    {
        var result = Classify(ObservationBuilder.Ex2003().PostTlsEhlo("421 4.7.0 Too many errors"));

        Assert.Equal(Reason.ServiceNotAvailable, result.Reason);
    }

    [Fact]
    public void Classify_UnsolicitedLinesBeforeEhlo_AreAFindingNotTheVerdict()
    {
        var observation = ObservationBuilder.Ex2003Without("XEXCH50").Build() with { UnsolicitedLines = ["250-mail1 Hello"], UnsolicitedLineCount = 18 };

        var result = new Classifier(ProfileCatalog.BuiltIn).Classify(observation, ClassificationContext.Default(DateTimeOffset.UnixEpoch));

        Assert.Equal(Verdict.SuspectedMetabaseCorruption, result.Verdict);
        var finding = Assert.Single(result.Findings, f => f.Code == FindingCode.UnsolicitedData);
        Assert.Equal(FindingSeverity.Warning, finding.Severity);
        Assert.Contains("18 lines", finding.Message, StringComparison.Ordinal);
    }
}
