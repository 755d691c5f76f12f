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

    /// <summary>Issue 7, defect 2: forms the system resolver reads as another address (inet_aton) are refused.</summary>
    [Theory]
    [InlineData("127.0.0.010")]
    [InlineData("010.0.0.1")]
    [InlineData("1.2.3.04")]
    [InlineData("0x7f.0.0.1")]
    [InlineData("0X7F.0.0.1")]
    [InlineData("0x7f000001")]
    [InlineData("2130706433")]
    [InlineData("127.1")]
    [InlineData("127.0.1")]
    public void Problem_LegacyNumericForm_IsRefusedAsNotDottedDecimal(string host)
    {
        Assert.Contains("not a dotted-decimal IPv4 address", HostNameRules.Problem(host), StringComparison.Ordinal);
        Assert.False(HostNameRules.TryParseAddress(host, out _));
    }

    [Theory]
    [InlineData("10.0.0.1", "10.0.0.1")]
    [InlineData("0.0.0.0", "0.0.0.0")]
    [InlineData("[2001:db8::25]", "2001:db8::25")]
    [InlineData("::1", "::1")]
    public void TryParseAddress_StrictLiteral_IsTheAddressWritten(string host, string expected)
    {
        Assert.True(HostNameRules.TryParseAddress(host, out var address));
        Assert.Equal(expected, address.ToString());
    }

    [Theory]
    [InlineData("mail1.example")]
    [InlineData("0x7f.example")]
    public void TryParseAddress_Name_IsNoAddress(string host)
    {
        Assert.False(HostNameRules.TryParseAddress(host, out _));
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
