using ExchangeSmtpFleet.Core.Inventory;

namespace ExchangeSmtpFleet.Core.Tests.Inventory;

public sealed class HostNameRulesTests
{
    [Theory]
    [InlineData("mail1")]
    [InlineData("mail1.corp.example.com")]
    [InlineData("mail1.corp.example.com.")]
    [InlineData("EXCH-01.Corp.Example")]
    [InlineData("10.0.0.1")]
    [InlineData("127.0.0.1")]
    [InlineData("2001:db8::25")]
    [InlineData("[2001:db8::25]")]
    [InlineData("::1")]
    [InlineData("3com.example")]
    public void Problem_ValidHost_IsNull(string host)
    {
        Assert.Null(HostNameRules.Problem(host));
    }

    [Theory]
    [InlineData("")]
    [InlineData("mail_1.corp")]
    [InlineData("-mail.corp")]
    [InlineData("mail-.corp")]
    [InlineData("mail..corp")]
    [InlineData("10.0.0.256")]
    [InlineData("10.0.0")]
    [InlineData("2001:db8::zz")]
    [InlineData("mail server")]
    [InlineData("smtp://mail1")]
    public void Problem_InvalidHost_SaysWhy(string host)
    {
        Assert.NotNull(HostNameRules.Problem(host));
    }

    [Fact]
    public void Problem_LabelOf64Characters_IsInvalid()
    {
        Assert.NotNull(HostNameRules.Problem(new string('a', 64) + ".example"));
    }

    [Fact]
    public void HostKey_IsCaseInsensitiveAndCanonical()
    {
        Assert.Equal(HostKey.For("Mail1.Corp.", 25), HostKey.For("mail1.corp", 25));
        Assert.Equal(HostKey.For("2001:DB8:0::25", 25), HostKey.For("2001:db8::25", 25));
        Assert.NotEqual(HostKey.For("mail1", 25), HostKey.For("mail1", 587));
    }
}
