using System.Globalization;
using ExchangeSmtpFleet.Core.Inventory;

namespace ExchangeSmtpFleet.Cli;

/// <summary>Parses <c>HOST[:PORT]</c>: <c>mail1</c>, <c>mail1:2525</c>, <c>10.0.0.1:25</c>, <c>[2001:db8::1]:25</c>, <c>2001:db8::1</c>.</summary>
internal static class HostPort
{
    public static bool TryParse(string text, out string host, out int port, out string? problem)
    {
        host = text.Trim();
        port = 25;
        problem = null;
        string? portText = null;
        if (host.StartsWith('['))
        {
            var close = host.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                problem = $"'{text}': missing ']'";
                return false;
            }

            if (host.Length > close + 1 && host[close + 1] != ':')
            {
                problem = $"'{text}': unexpected text after ']'";
                return false;
            }

            portText = host.Length > close + 1 ? host[(close + 2)..] : null;
            host = host[1..close];
        }
        else if (host.Count(c => c == ':') == 1)
        {
            portText = host[(host.IndexOf(':', StringComparison.Ordinal) + 1)..];
            host = host[..host.IndexOf(':', StringComparison.Ordinal)];
        }

        if (portText is not null
            && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            problem = $"'{text}': port must be a number from 1 to 65535";
            return false;
        }

        problem = HostNameRules.Problem(host);
        if (problem is null && host.Contains(':', StringComparison.Ordinal) && !HostNameRules.TryParseAddress(host, out _))
        {
            problem = $"'{text}' is not a valid host";
        }

        return problem is null;
    }
}
