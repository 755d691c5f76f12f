using ExchangeSmtpFleet.Cli;

namespace ExchangeSmtpFleet.Tests.Cli;

public sealed class HostPortTests
{
    [Theory]
    [InlineData("mail1", "mail1", 25)]
    [InlineData("mail1.corp.example:2525", "mail1.corp.example", 2525)]
    [InlineData("10.0.0.1:25", "10.0.0.1", 25)]
    [InlineData("[2001:db8::1]:587", "2001:db8::1", 587)]
    [InlineData("[::1]", "::1", 25)]
    [InlineData("2001:db8::1", "2001:db8::1", 25)]
    public void TryParse_ValidTarget_SplitsHostAndPort(string text, string host, int port)
    {
        Assert.True(HostPort.TryParse(text, out var parsedHost, out var parsedPort, out var problem), problem);
        Assert.Equal((host, port), (parsedHost, parsedPort));
    }

    [Theory]
    [InlineData("mail1:99999")]
    [InlineData("mail1:abc")]
    [InlineData("[::1]:x")]
    [InlineData("bad host")]
    public void TryParse_InvalidTarget_SaysWhy(string text)
    {
        Assert.False(HostPort.TryParse(text, out _, out _, out var problem));
        Assert.NotNull(problem);
    }
}
