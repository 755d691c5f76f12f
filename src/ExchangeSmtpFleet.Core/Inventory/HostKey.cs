using System.Globalization;

namespace ExchangeSmtpFleet.Core.Inventory;

/// <summary>The canonical <c>host:port</c> identity of a target.</summary>
public static class HostKey
{
    /// <summary>The identity of <paramref name="host"/>:<paramref name="port"/>: IP literals canonical, names lower case without a trailing dot, IPv6 in brackets.</summary>
    public static string For(string host, int port)
    {
        var canonical = HostNameRules.TryParseAddress(host, out var ip) ? ip.ToString() : host.TrimEnd('.').ToLowerInvariant();
        return canonical.Contains(':', StringComparison.Ordinal)
            ? string.Create(CultureInfo.InvariantCulture, $"[{canonical}]:{port}")
            : string.Create(CultureInfo.InvariantCulture, $"{canonical}:{port}");
    }
}
