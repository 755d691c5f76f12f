using System.Globalization;
using System.Text.RegularExpressions;
using ExchangeSmtpFleet.Core.Inventory;

namespace ExchangeSmtpFleet.Jobs;

/// <summary>
/// A host key from a URL (<c>/hangfire/audit/host/&lt;key&gt;</c>), accepted only in the canonical form the runs store
/// (<see cref="HostKey.For"/>): a lower-case name or an IP literal (IPv6 in brackets), a colon, a port 1-65535.
/// </summary>
internal static partial class HostKeyRoute
{
    /// <summary>Whether <paramref name="key"/> is a canonical host key.</summary>
    public static bool IsValid(string? key)
    {
        if (key is null || key.Length > 300 || Shape().Match(key) is not { Success: true } match)
        {
            return false;
        }

        var host = match.Groups["host"].Value.Trim('[', ']');
        return int.TryParse(match.Groups["port"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            && port is >= 1 and <= 65535
            && string.Equals(HostKey.For(host, port), key, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^(?<host>\[[0-9a-f:.]{2,45}(%[0-9a-z]{1,32})?\]|[a-z0-9_][a-z0-9._-]{0,252}):(?<port>[0-9]{1,5})$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
