using ExchangeSmtpFleet.Core.Protocol;

namespace ExchangeSmtpFleet.Core.Tests.Protocol;

public sealed class EhloResponseTests
{
    [Fact]
    public void FromReply_FirstLine_IsGreetingNeverKeyword()
    {
        // Cisco ESA doc 212587: a server sending 250-STARTTLS first made a client miss STARTTLS; line 1 is always the greeting.
        var ehlo = EhloResponse.FromReply(ObservationBuilder.Reply("250-STARTTLS", "250-PIPELINING", "250 SIZE"));

        Assert.Equal("STARTTLS", ehlo.Greeting);
        Assert.False(ehlo.Has("STARTTLS"));
        Assert.True(ehlo.Has("PIPELINING"));
    }

    [Fact]
    public void FromReply_IisFinalOk_IsNotAKeyword()
    {
        var ehlo = EhloResponse.FromReply(ObservationBuilder.Reply("250-host Hello [1.2.3.4]", "250-TURN", "250 OK"));

        Assert.True(ehlo.EndsWithOk);
        Assert.Equal(["TURN"], ehlo.Keywords.Select(k => k.Name));
    }

    [Fact]
    public void FromReply_KeywordsAreCaseInsensitive()
    {
        var ehlo = EhloResponse.FromReply(ObservationBuilder.Reply("250-host", "250-8bitmime", "250 x-exps gssapi"));

        Assert.True(ehlo.Has("8BITMIME"));
        Assert.True(ehlo.Has("X-EXPS"));
        Assert.Equal("8bitmime", ehlo.Find("8BITMIME")!.Value.Raw);
    }

    [Fact]
    public void FromReply_OldStyleKeywords_StayKeywordsOfTheirOwn()
    {
        var ehlo = EhloResponse.FromReply(ObservationBuilder.Reply(
            "250-host", "250-AUTH GSSAPI NTLM LOGIN", "250-AUTH=LOGIN", "250-X-EXPS GSSAPI NTLM", "250-X-EXPS=LOGIN", "250 OK"));

        Assert.Equal(["AUTH", "AUTH=LOGIN", "X-EXPS", "X-EXPS=LOGIN"], ehlo.Keywords.Select(k => k.Name));
        Assert.Equal(["GSSAPI", "NTLM", "LOGIN"], ehlo.Find("AUTH")!.Value.Parameters);
        Assert.Empty(ehlo.Find("AUTH=LOGIN")!.Value.Parameters);
    }

    [Fact]
    public void FromReply_ParametersAreKept()
    {
        var ehlo = EhloResponse.FromReply(ObservationBuilder.Reply("250-host", "250 SIZE 5242880"));

        Assert.Equal(["5242880"], ehlo.Find("SIZE")!.Value.Parameters);
    }

    [Fact]
    public void FromReply_SingleLine_HasNoKeywords()
    {
        var ehlo = EhloResponse.FromReply(ObservationBuilder.Reply("250 mail.example.com"));

        Assert.Empty(ehlo.Keywords);
        Assert.Equal("mail.example.com", ehlo.GreetingDomain);
    }

    [Fact]
    public void FromReply_DuplicateKeyword_KeptOnceWithAnomaly()
    {
        var ehlo = EhloResponse.FromReply(ObservationBuilder.Reply("250-host", "250-SIZE 1", "250 size 2"));

        Assert.Single(ehlo.Keywords);
        Assert.Contains(ehlo.Anomalies, a => a.Kind == ReplyAnomalyKind.DuplicateKeyword);
    }

    [Theory]
    [InlineData("XEXCH50}")]
    [InlineData("-BAD")]
    public void FromReply_InvalidKeywordSyntax_KeptWithAnomaly(string keyword)
    {
        var ehlo = EhloResponse.FromReply(ObservationBuilder.Reply("250-host", "250 " + keyword));

        Assert.Single(ehlo.Keywords);
        Assert.Contains(ehlo.Anomalies, a => a.Kind == ReplyAnomalyKind.InvalidKeywordSyntax);
    }
}
