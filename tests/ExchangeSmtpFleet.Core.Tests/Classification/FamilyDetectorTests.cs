using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Protocol;

namespace ExchangeSmtpFleet.Core.Tests.Classification;

public sealed class FamilyDetectorTests
{
    private static EhloResponse Ehlo(params string[] lines) => EhloResponse.FromReply(ObservationBuilder.Reply(lines));

    [Fact]
    public void Detect_IisBannerWithExchangeKeywords_IsExchange2003WithVersion()
    {
        var detection = FamilyDetector.Detect(ObservationBuilder.Ex2003Banner[4..], Ehlo(ObservationBuilder.HealthyEx2003Ehlo));

        Assert.Equal(ServerFamily.MicrosoftExchange2003, detection.Family);
        Assert.Equal("6.0.3790.3959", detection.Version);
    }

    [Fact]
    public void Detect_ReplacedBannerWithExchange2003Keywords_IsExchange2003()
    {
        var detection = FamilyDetector.Detect("mx.corp.example ESMTP ready", Ehlo(ObservationBuilder.HealthyEx2003Ehlo));

        Assert.Equal(ServerFamily.MicrosoftExchange2003, detection.Family);
    }

    [Fact]
    public void Detect_ReplacedBannerPartialExchangeKeywordsWithoutLinkState_IsExchange2003FromIisTells()
    {
        var ehlo = Ehlo("250-mx Hello [10.0.0.1]", "250-TURN", "250-SIZE", "250-8bitmime", "250-XEXCH50", "250 OK");

        Assert.Equal(ServerFamily.MicrosoftExchange2003, FamilyDetector.Detect("mx.corp.example SMTP", ehlo).Family);
    }

    [Fact]
    public void Detect_NoBannerWindowsListOnly_IsIis()
    {
        var ehlo = Ehlo("250-mail1.example.com Hello [172.16.0.1]", "250-TURN", "250-ATRN", "250-SIZE 5242880", "250-8bitmime", "250-VRFY", "250 OK");

        Assert.Equal(ServerFamily.MicrosoftIis, FamilyDetector.Detect(null, ehlo).Family);
    }

    [Fact]
    public void Detect_Exchange2007Banner_IsExchange2007Plus()
    {
        var detection = FamilyDetector.Detect("mail1.fabrikam.com Microsoft ESMTP MAIL Service ready at Fri, 5 Aug 2016 16:24:41 -0700",
            Ehlo("250-mail1 Hello [172.16.0.5]", "250-SIZE 37748736", "250 PIPELINING"));

        Assert.Equal(ServerFamily.MicrosoftExchange2007Plus, detection.Family);
    }

    [Theory]
    [InlineData("X-ANONYMOUSTLS")]
    [InlineData("XRDST")]
    [InlineData("XSHADOW")]
    [InlineData("XSHADOWREQUEST")]
    public void Detect_ReplacedBannerWith2007Keyword_IsExchange2007Plus(string keyword)
    {
        var detection = FamilyDetector.Detect("smtp.corp.example ready", Ehlo("250-smtp Hello [1.2.3.4]", "250-SIZE", "250 " + keyword));

        Assert.Equal(ServerFamily.MicrosoftExchange2007Plus, detection.Family);
    }

    [Fact]
    public void Detect_XExpsWithoutIisTells_IsExchange2007Plus()
    {
        var ehlo = Ehlo("250-smtp Hello [1.2.3.4]", "250-SIZE 37748736", "250-PIPELINING", "250-X-EXPS NTLM", "250-8BITMIME", "250 XEXCH50");

        Assert.Equal(ServerFamily.MicrosoftExchange2007Plus, FamilyDetector.Detect(null, ehlo).Family);
    }

    [Fact]
    public void Detect_Exchange55WithXexch50_StaysExchange55()
    {
        var ehlo = Ehlo("250-mail.example.com Hello [10.0.0.1]", "250-XEXCH50", "250-HELP", "250-ETRN", "250-DSN", "250-SIZE 0", "250-AUTH LOGIN", "250 AUTH=LOGIN");

        var detection = FamilyDetector.Detect("mail.example.com ESMTP Server (Microsoft Exchange Internet Mail Service 5.5.2653.13) ready", ehlo);

        Assert.Equal(ServerFamily.MicrosoftExchange55, detection.Family);
    }

    [Fact]
    public void Detect_Microsoft365Banner_IsMicrosoft365()
    {
        var detection = FamilyDetector.Detect(
            "BN8NAM12FT077.mail.protection.outlook.com Microsoft ESMTP MAIL Service ready at Mon, 1 Jan 2024 10:00:00 +0000",
            Ehlo("250-BN8NAM12FT077.mail.protection.outlook.com Hello [1.2.3.4]", "250-SIZE 157286400", "250-STARTTLS", "250 SMTPUTF8"));

        Assert.Equal(ServerFamily.Microsoft365, detection.Family);
    }

    [Theory]
    [InlineData("debian.localdomain ESMTP Postfix (Debian/GNU)", ServerFamily.Postfix)]
    [InlineData("mx.example.org ESMTP Sendmail 8.15.2/8.15.2; Mon, 1 Jan 2024", ServerFamily.Sendmail)]
    [InlineData("mx.example.org ESMTP Exim 4.96 Mon, 01 Jan 2024 10:00:00 +0000", ServerFamily.Exim)]
    [InlineData("mail.example.com ESMTP Service (HCL Domino Release 12.0.2) ready", ServerFamily.Domino)]
    [InlineData("mail.example.com ESMTP MDaemon 23.0.1; Mon, 01 Jan 2024", ServerFamily.MDaemon)]
    [InlineData("mail.example.com ESMTP hMailServer", ServerFamily.HMailServer)]
    [InlineData("mail.example.com ESMTP Server (Microsoft Exchange Internet Mail Service 5.5.2653.13) ready", ServerFamily.MicrosoftExchange55)]
    public void Detect_ProductBanner_NamesProduct(string banner, string family)
    {
        Assert.Equal(family, FamilyDetector.Detect(banner, Ehlo("250-host", "250 PIPELINING")).Family);
    }

    [Fact]
    public void Detect_SendmailGreetingWithoutBanner_IsSendmail()
    {
        var ehlo = Ehlo("250-mx.example.org Hello client [1.2.3.4], pleased to meet you", "250-EXPN", "250-VERB", "250 HELP");

        Assert.Equal(ServerFamily.Sendmail, FamilyDetector.Detect("mx.example.org ESMTP", ehlo).Family);
    }

    [Fact]
    public void Detect_EximKeywordsWithoutBanner_IsExim()
    {
        var ehlo = Ehlo("250-mx.example.org Hello client [1.2.3.4]", "250-SIZE 52428800", "250-PRDR", "250 HELP");

        Assert.Equal(ServerFamily.Exim, FamilyDetector.Detect("mx.example.org ESMTP", ehlo).Family);
    }

    [Fact]
    public void Detect_PostfixShapeWithoutBanner_IsPostfix()
    {
        var ehlo = Ehlo("250-mx.example.org", "250-PIPELINING", "250-SIZE 10240000", "250-ETRN", "250 CHUNKING");

        Assert.Equal(ServerFamily.Postfix, FamilyDetector.Detect("mx.example.org ESMTP", ehlo).Family);
    }

    [Theory]
    [InlineData("****************************************************0*0*0*0****2*0*0*0**0000")]
    [InlineData("******************************")]
    public void Detect_StarMaskedBanner_IsMasked(string banner)
    {
        Assert.Equal(ServerFamily.Masked, FamilyDetector.Detect(banner, Ehlo(ObservationBuilder.HealthyEx2003Ehlo)).Family);
    }

    [Fact]
    public void Detect_KeywordsMaskedAsXxxxxxxa_IsMasked()
    {
        // Cisco ASA ESMTP inspection replaces unknown keywords (X-EXPS, XEXCH50...) by XXXXXXXA.
        var ehlo = Ehlo("250-mail1 Hello [172.16.0.1]", "250-TURN", "250-SIZE", "250-8bitmime", "250-XXXXXXXA", "250-XXXXXXXA", "250 OK");

        Assert.Equal(ServerFamily.Masked, FamilyDetector.Detect(ObservationBuilder.Ex2003Banner[4..], ehlo).Family);
    }

    [Fact]
    public void Detect_NothingRecognisable_IsUnknown()
    {
        var ehlo = Ehlo("250-gateway says hi", "250-SIZE", "250 DSN");

        Assert.Equal(ServerFamily.Unknown, FamilyDetector.Detect("gateway ready", ehlo).Family);
    }

    [Fact]
    public void Detect_PostfixBannerButLinkStateKeyword_KeywordsWin()
    {
        var detection = FamilyDetector.Detect("mx ESMTP Postfix", Ehlo(ObservationBuilder.HealthyEx2003Ehlo));

        Assert.Equal(ServerFamily.MicrosoftExchange2003, detection.Family);
        Assert.Equal(ServerFamily.Postfix, detection.BannerFamily);
    }
}
