using ExchangeSmtpFleet.Core.Inventory;

namespace ExchangeSmtpFleet.Core.Tests.Inventory;

public sealed class HostKeyComparerTests
{
    [Fact]
    public void Sort_AddressesByNumber_IPv4ThenIPv6ThenNames_ThenPort()
    {
        string[] keys = ["mail.example:25", "10.0.0.10:25", "[2001:db8::1]:25", "10.0.0.3:2525", "10.0.0.3:25", "Alpha.example:25", "9.1.1.1:25"];

        var sorted = keys.Order(HostKeyComparer.Instance).ToArray();

        Assert.Equal(["9.1.1.1:25", "10.0.0.3:25", "10.0.0.3:2525", "10.0.0.10:25", "[2001:db8::1]:25", "Alpha.example:25", "mail.example:25"], sorted);
    }
}
