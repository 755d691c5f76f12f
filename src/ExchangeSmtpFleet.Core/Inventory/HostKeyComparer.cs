using System.Globalization;
using System.Net;

namespace ExchangeSmtpFleet.Core.Inventory;

/// <summary>
/// Orders host keys (<c>host:port</c>) as people read them: IPv4 before IPv6 before names, addresses by their numbers
/// (<c>10.0.0.3</c> before <c>10.0.0.10</c>), names alphabetically, then by port.
/// </summary>
public sealed class HostKeyComparer : IComparer<string>
{
    /// <summary>The one instance.</summary>
    public static readonly HostKeyComparer Instance = new();

    private HostKeyComparer()
    {
    }

    /// <inheritdoc/>
    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        var (hostX, portX) = Split(x);
        var (hostY, portY) = Split(y);
        var addressX = IPAddress.TryParse(hostX, out var a) ? a : null;
        var addressY = IPAddress.TryParse(hostY, out var b) ? b : null;
        var kind = Kind(addressX).CompareTo(Kind(addressY));
        if (kind != 0)
        {
            return kind;
        }

        var byHost = addressX is not null && addressY is not null
            ? addressX.GetAddressBytes().AsSpan().SequenceCompareTo(addressY.GetAddressBytes())
            : string.Compare(hostX, hostY, StringComparison.OrdinalIgnoreCase);
        return byHost != 0 ? byHost : portX.CompareTo(portY);
    }

    private static int Kind(IPAddress? address) => address is null ? 2 : address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 0 : 1;

    private static (string Host, int Port) Split(string key)
    {
        var colon = key.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(key.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            return (key, 0);
        }

        return (key[..colon].Trim('[', ']'), port);
    }
}
