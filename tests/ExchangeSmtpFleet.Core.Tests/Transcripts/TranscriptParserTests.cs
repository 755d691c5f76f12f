using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Profiles;
using ExchangeSmtpFleet.Core.Transcripts;

namespace ExchangeSmtpFleet.Core.Tests.Transcripts;

public sealed class TranscriptParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 0, 0, 0, TimeSpan.Zero);

    private static ClassificationResult Classify(string text) =>
        new Classifier(ProfileCatalog.BuiltIn).Classify(TranscriptParser.Parse(text).Observation, ClassificationContext.Default(Now));

    private static string Sample(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "transcripts", name));

    [Theory]
    [InlineData("seed-example-1-healthy.txt", Verdict.Healthy, ServerFamily.MicrosoftExchange2003)]
    [InlineData("seed-example-2-missing-sinks.txt", Verdict.MissingSinks, ServerFamily.MicrosoftIis)]
    [InlineData("ex2003-healthy-real.txt", Verdict.Healthy, ServerFamily.MicrosoftExchange2003)]
    [InlineData("iis-smtp-win2000-no-exchange.txt", Verdict.MissingSinks, ServerFamily.MicrosoftIis)]
    [InlineData("exchange-2010-edge-tls.txt", Verdict.UnexpectedServer, ServerFamily.MicrosoftExchange2007Plus)]
    [InlineData("exchange-2010-hub.txt", Verdict.UnexpectedServer, ServerFamily.MicrosoftExchange2007Plus)]
    [InlineData("exchange-2016-frontend.txt", Verdict.UnexpectedServer, ServerFamily.MicrosoftExchange2007Plus)]
    [InlineData("postfix-3-debian.txt", Verdict.UnexpectedServer, ServerFamily.Postfix)]
    public void Parse_SharedTranscript_GivesExpectedVerdictAndFamily(string file, Verdict verdict, string family)
    {
        var result = Classify(Sample(file));

        Assert.Equal(verdict, result.Verdict);
        Assert.Equal(family, result.Family);
    }

    [Fact]
    public void Parse_Exchange2003WithCertificate_IsHealthyWithoutUnexpectedKeywords()
    {
        // IIS advertises both TLS and STARTTLS once a certificate is installed on the virtual server.
        const string session = """
            220 mail.contoso.com Microsoft ESMTP MAIL Service, Version: 6.0.3790.3959 ready at  Tue, 12 Jun 2007 10:00:00 +0200
            250-mail.contoso.com Hello [192.168.1.10]
            250-TURN
            250-SIZE 10240000
            250-ETRN
            250-PIPELINING
            250-DSN
            250-ENHANCEDSTATUSCODES
            250-8bitmime
            250-BINARYMIME
            250-CHUNKING
            250-VRFY
            250-TLS
            250-STARTTLS
            250-X-EXPS GSSAPI NTLM LOGIN
            250-X-EXPS=LOGIN
            250-AUTH GSSAPI NTLM LOGIN
            250-AUTH=LOGIN
            250-X-LINK2STATE
            250-XEXCH50
            250 OK
            """;

        var result = Classify(session);

        Assert.Equal(Verdict.Healthy, result.Verdict);
        Assert.Empty(result.Unexpected);
    }

    [Fact]
    public void Parse_ReplacedBannerWithoutExchangeKeywords_IsMissingSinks()
    {
        // An administrator replaced the banner; the Windows SMTP list is complete, every Exchange keyword missing.
        const string session = """
            220 smtp.contoso.com Mail gateway - authorised use only
            250-smtp.contoso.com Hello [192.168.1.10]
            250-TURN
            250-ATRN
            250-SIZE
            250-ETRN
            250-PIPELINING
            250-DSN
            250-ENHANCEDSTATUSCODES
            250-8bitmime
            250-BINARYMIME
            250-CHUNKING
            250-VRFY
            250-AUTH GSSAPI NTLM LOGIN
            250-AUTH=LOGIN
            250 OK
            """;

        var result = Classify(session);

        Assert.Equal(Verdict.MissingSinks, result.Verdict);
        Assert.Equal(ServerFamily.MicrosoftIis, result.Family);
    }

    [Fact]
    public void Parse_EdgeTranscript_SecondListIsPostTls()
    {
        var parsed = TranscriptParser.Parse(Sample("exchange-2010-edge-tls.txt"));

        Assert.NotNull(parsed.Observation.PostTlsEhloReply);
        Assert.Equal(3, parsed.ReplyCount);
    }

    [Fact]
    public void Parse_TelnetSessionWithTypedLines_IgnoresThem()
    {
        const string session = """
            C:\>telnet 172.16.0.1 25
            220 mail1.example.com Microsoft ESMTP MAIL Service, Version: 6.0.3790.3959 ready at  Mon, 1 Jan 2007
            ehlo mail1.example.com
            250-mail1.example.com Hello [172.16.0.2]
            250-TURN
            250-SIZE
            250-8bitmime
            250 OK
            quit
            221 2.0.0 mail1.example.com Service closing transmission channel
            Connection to host lost.
            """;

        var parsed = TranscriptParser.Parse(session);

        Assert.NotNull(parsed.Observation.Greeting);
        Assert.Equal(5, parsed.Observation.EhloReply!.Value.Lines.Length);
        Assert.Null(parsed.Observation.PostTlsEhloReply);
    }

    [Fact]
    public void Parse_SeedDocumentPasteWithIndentAndStars_IsHealthy()
    {
        // As copied from the German TechNet page: indented first line, '*' markers after the Exchange verbs.
        const string paste = """
                     250-mail1.example.com Hello [172.16.0.1]
            250-TURN
            250-ATRN
            250-SIZE 5242880
            250-ETRN
            250-PIPELINING
            250-DSN
            250-ENHANCEDSTATUSCODES
            250-8bitmime
            250-BINARYMIME
            250-CHUNKING
            250-VRFY
            250-X-EXPS GSSAPI NTLM   *
            250-AUTH GSSAPI NTLM
            240-X-EXPS=LOGIN  *
            250-X-LINK2STATE  *
            250-XEXCH50   *
            250 OK
            """;

        var result = Classify(paste);

        Assert.Equal(Verdict.Healthy, result.Verdict);
    }

    [Fact]
    public void Parse_StartTlsDialogue_AssignsEveryStep()
    {
        const string session = """
            220 mail1 Microsoft ESMTP MAIL Service, Version: 6.0.3790.3959 ready
            250-mail1 Hello [10.0.0.1]
            250-STARTTLS
            250 OK
            STARTTLS
            220 2.0.0 SMTP server ready
            250-mail1 Hello [10.0.0.1]
            250 OK
            """;

        var observation = TranscriptParser.Parse(session).Observation;

        Assert.Equal(220, observation.StartTlsReply!.Value.Code);
        Assert.NotNull(observation.PostTlsEhloReply);
    }

    [Fact]
    public void Parse_EhloRefusedThenHelo_AssignsHelo()
    {
        var observation = TranscriptParser.Parse("220 old SMTP\r\nEHLO x\r\n500 unrecognized\r\nHELO x\r\n250 old\r\n").Observation;

        Assert.Equal(500, observation.EhloReply!.Value.Code);
        Assert.Equal(250, observation.HeloReply!.Value.Code);
    }

    [Fact]
    public void Parse_TruncatedPaste_KeepsPartialReplyWithFinding()
    {
        var result = Classify("250-mail1 Hello [1.2.3.4]\n250-TURN\n250-X-LINK2STATE\n");

        Assert.Contains(result.Findings, f => f.Code == FindingCode.ReplyTruncated);
    }

    [Fact]
    public void Parse_NoServerLines_CountsNone()
    {
        var parsed = TranscriptParser.Parse("# just a comment\nehlo me\n");

        Assert.Equal(0, parsed.ServerLineCount);
    }

    [Fact]
    public void Parse_EndlessReply_StopsAtLimit()
    {
        var text = string.Join("\n", Enumerable.Repeat("250-X", 10_000));

        var parsed = TranscriptParser.Parse(text);

        Assert.Equal(Reason.ReplyTooLong, parsed.Observation.Failure!.Reason);
    }

    /// <summary>Issue 20, item 5: a transcript forwarded in a mail is quoted; the quote marks are not part of the server's lines.</summary>
    [Theory]
    [InlineData("> ")]
    [InlineData(">")]
    [InlineData(">> ")]
    [InlineData("> > ")]
    public void Parse_MailQuotedPaste_ReadsAsThePlainOne(string quote)
    {
        var plain = Sample("seed-example-2-missing-sinks.txt");
        var quoted = string.Join("\n", plain.Split('\n').Select(l => quote + l));

        var result = Classify(quoted);

        Assert.Equal(Verdict.MissingSinks, result.Verdict);
        Assert.Equal(Classify(plain).Keywords.Select(k => k.ToString()), result.Keywords.Select(k => k.ToString()));
    }

    /// <summary>esfleet's own transcript (probe's output, the dashboard) pasted back: <c>S:</c> lines are the server's.</summary>
    [Fact]
    public void Parse_EsfleetTranscriptLines_AreRead()
    {
        const string paste = """
              *  connecting to 10.0.0.3:25
              S: 220 exch03 Microsoft ESMTP MAIL Service, Version: 6.0.3790.3959 ready
              C: EHLO auditor
              S: 250-exch03 Hello [10.0.0.9]
              S: 250-TURN
              S: 250-8bitmime
              S: 250 OK
            """;

        var parsed = TranscriptParser.Parse(paste);

        Assert.Equal(5, parsed.ServerLineCount);
        Assert.NotNull(parsed.Observation.Greeting);
    }

    /// <summary>Issue 20, item 5: only the keywords, as a person copies them from somewhere else.</summary>
    [Fact]
    public void Parse_BareKeywordListOneALine_IsTheEhloReply()
    {
        const string paste = """
            TURN
            ATRN
            SIZE 5242880
            ETRN
            PIPELINING
            DSN
            ENHANCEDSTATUSCODES
            8bitmime
            BINARYMIME
            CHUNKING
            VRFY
            X-EXPS GSSAPI NTLM LOGIN
            X-EXPS=LOGIN
            AUTH GSSAPI NTLM LOGIN
            AUTH=LOGIN
            X-LINK2STATE
            XEXCH50
            OK
            """;

        var parsed = TranscriptParser.Parse(paste);
        var result = Classify(paste);

        Assert.True(parsed.KeywordListOnly);
        Assert.Null(parsed.Observation.Greeting);
        Assert.Equal(Verdict.Healthy, result.Verdict);
        Assert.Equal(ServerFamily.MicrosoftExchange2003, result.Family);
    }

    [Fact]
    public void Parse_BareKeywordListWithCommas_IsTheEhloReply()
    {
        var result = Classify("TURN, ATRN, SIZE 5242880, ETRN, PIPELINING, DSN, ENHANCEDSTATUSCODES, 8BITMIME, BINARYMIME, CHUNKING, VRFY, AUTH GSSAPI NTLM\n");

        Assert.Equal(Verdict.MissingSinks, result.Verdict);
        Assert.Equal(["X-EXPS", "X-EXPS=LOGIN", "X-LINK2STATE", "XEXCH50"], result.Missing);
    }

    [Theory]
    [InlineData("just some notes\nehlo mail1\n")]
    [InlineData("Hi Bob, here is what the server said\n")]
    public void Parse_OrdinaryText_IsNoKeywordList(string text)
    {
        var parsed = TranscriptParser.Parse(text);

        Assert.Equal(0, parsed.ServerLineCount);
        Assert.False(parsed.KeywordListOnly);
        Assert.Null(parsed.MisplacedReplyLine);
    }

    [Fact]
    public void Parse_SomethingBeforeTheCodes_NamesTheFirstSuchLine()
    {
        var parsed = TranscriptParser.Parse("[10:00:01] 220 mail1 ready\n[10:00:02] 250-mail1 Hello\n[10:00:02] 250 OK\n");

        Assert.Equal(0, parsed.ServerLineCount);
        Assert.Equal("[10:00:01] 220 mail1 ready", parsed.MisplacedReplyLine);
    }
}
