using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Knowledge;
using ExchangeSmtpFleet.Core.Protocol;

namespace ExchangeSmtpFleet.Core.Tests.Knowledge;

/// <summary>Issue 20, item 5: <c>probe --lang de</c> says what gave the family away in German, not in the stored English.</summary>
public sealed class FamilyTextTests
{
    [Theory]
    [InlineData("keyword X-EXPS with IIS banner, final line '250 OK', lower-case 8bitmime", "Verb X-EXPS mit IIS-Banner, letzte Zeile '250 OK', 8bitmime kleingeschrieben")]
    [InlineData("keyword X-EXPS without IIS tells", "Verb X-EXPS ohne IIS-Merkmale")]
    [InlineData("keyword X-LINK2STATE", "Verb X-LINK2STATE")]
    [InlineData("banner", "Banner")]
    [InlineData("no EHLO keywords", "keine EHLO-Verben")]
    [InlineData("banner masked with '*'", "Banner mit '*' maskiert")]
    [InlineData("keyword PRDR or Exim greeting with HELP", "Verb PRDR oder Exim-Begrüßung mit HELP")]
    public void Evidence_German_TranslatesTheDetectorsWords(string english, string german)
    {
        Assert.Equal(german, FamilyText.Evidence(english, Language.German));
        Assert.Equal(english, FamilyText.Evidence(english, Language.English));
    }

    [Fact]
    public void Evidence_German_OfARealDetection_LeavesNoEnglishWord()
    {
        var ehlo = new EhloResponse("exch03 Hello [10.0.0.1]", [EhloKeyword.Parse("TURN"), EhloKeyword.Parse("8bitmime")], endsWithOk: true, anomalies: []);
        var detection = FamilyDetector.Detect("exch03 Microsoft ESMTP MAIL Service, Version: 6.0.3790.3959 ready", ehlo);

        var german = FamilyText.Evidence(detection.Evidence, Language.German);

        Assert.Equal("IIS-Banner, letzte Zeile '250 OK', 8bitmime kleingeschrieben, Verb TURN, Begrüßung '<name> Hello [ip]'", german);
    }

    [Fact]
    public void Family_UnknownAndMasked_AreWords_ProductsStayTheirId()
    {
        Assert.Equal("unbekannt", FamilyText.Family(ServerFamily.Unknown, Language.German));
        Assert.Equal("durch eine Firewall maskiert", FamilyText.Family(ServerFamily.Masked, Language.German));
        Assert.Equal(ServerFamily.Postfix, FamilyText.Family(ServerFamily.Postfix, Language.German));
    }
}
