using System.Globalization;
using System.Net;

namespace ExchangeSmtpFleet.Core.Inventory;

/// <summary>The canonical <c>host:port</c> identity of a target.</summary>
public static class HostKey
{
    public static string For(string host, int port)
    {
        var canonical = IPAddress.TryParse(host, out var ip) ? ip.ToString() : host.TrimEnd('.').ToLowerInvariant();
        return canonical.Contains(':', StringComparison.Ordinal)
            ? string.Create(CultureInfo.InvariantCulture, $"[{canonical}]:{port}")
            : string.Create(CultureInfo.InvariantCulture, $"{canonical}:{port}");
    }
}
