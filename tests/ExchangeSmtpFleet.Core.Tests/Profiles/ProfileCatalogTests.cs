using System.Text;
using ExchangeSmtpFleet.Core.Profiles;

namespace ExchangeSmtpFleet.Core.Tests.Profiles;

public sealed class ProfileCatalogTests
{
    [Fact]
    public void BuiltIn_DefaultProfile_HasTheExchange2003Lists()
    {
        var profile = ProfileCatalog.BuiltIn.Get(ProfileCatalog.DefaultProfileId);

        Assert.Equal(["X-EXPS", "X-EXPS=LOGIN", "X-LINK2STATE", "XEXCH50"], profile.SinkKeywords);
        Assert.Equal(["TURN", "SIZE", "ETRN", "PIPELINING", "DSN", "ENHANCEDSTATUSCODES", "8BITMIME", "BINARYMIME", "CHUNKING", "VRFY", "AUTH"],
            profile.BaseKeywords);
        Assert.Contains("ATRN", profile.OptionalKeywords);
    }

    [Fact]
    public void Get_IsCaseInsensitive()
    {
        Assert.Equal("exchange-2003", ProfileCatalog.BuiltIn.Get("Exchange-2003").Id);
    }

    [Fact]
    public void Get_UnknownProfile_ThrowsNamingTheKnownOnes()
    {
        var error = Assert.Throws<KeyNotFoundException>(() => ProfileCatalog.BuiltIn.Get("exchange-5"));

        Assert.Contains("exchange-2003", error.Message);
    }

    [Fact]
    public void Load_ProfileDefinedTwice_Throws()
    {
        var json = """{"profiles":[{"id":"a"},{"id":"A"}]}""";

        Assert.Throws<InvalidDataException>(() => ProfileCatalog.Load(new MemoryStream(Encoding.UTF8.GetBytes(json))));
    }

    [Fact]
    public void Load_CustomProfile_UppercasesKeywords()
    {
        var json = """{"profiles":[{"id":"relay","families":["postfix"],"baseKeywords":["starttls"]}]}""";

        var profile = ProfileCatalog.Load(new MemoryStream(Encoding.UTF8.GetBytes(json))).Get("relay");

        Assert.Equal(["STARTTLS"], profile.BaseKeywords);
        Assert.True(profile.Accepts("postfix"));
        Assert.False(profile.Accepts("exim"));
    }
}
