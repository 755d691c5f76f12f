using System.Net;
using System.Net.Sockets;

namespace ExchangeSmtpFleet.Core.Inventory;

/// <summary>Which strings are connectable targets: RFC 1123 DNS names, IPv4 and IPv6 literals.</summary>
public static class HostNameRules
{
    /// <summary>Checks a host; returns null when valid, else why not.</summary>
    public static string? Problem(string host)
    {
        if (string.IsNullOrWhiteSpace(host))
        {
            return "Host is empty";
        }

        var candidate = Unbracket(host);
        if (candidate.Contains(':', StringComparison.Ordinal))
        {
            return IPAddress.TryParse(candidate, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6
                ? null
                : $"'{host}' is not a valid IPv6 address";
        }

        var name = candidate.EndsWith('.') ? candidate[..^1] : candidate;
        if (name.Length is 0 or > 253)
        {
            return $"'{host}' is not a valid DNS name (1-253 characters)";
        }

        var labels = name.Split('.');
        if (labels.All(l => l.Length > 0 && l.All(char.IsAsciiDigit)))
        {
            // All-numeric names are meant as IPv4 literals; "10.0.0.256" must not pass as a DNS name.
            return labels.Length == 4 && IPAddress.TryParse(name, out _) && labels.All(l => int.Parse(l, System.Globalization.CultureInfo.InvariantCulture) <= 255)
                ? null
                : $"'{host}' is not a valid IPv4 address";
        }

        foreach (var label in labels)
        {
            if (label.Length is 0 or > 63)
            {
                return $"'{host}' is not a valid DNS name (empty label or label longer than 63 characters)";
            }

            if (label[0] == '-' || label[^1] == '-')
            {
                return $"'{host}' is not a valid DNS name (label '{label}' starts or ends with '-')";
            }

            foreach (var c in label)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '-')
                {
                    return $"'{host}' is not a valid DNS name (character '{c}' is not allowed)";
                }
            }
        }

        return null;
    }

    /// <summary>Removes the brackets of <c>[2001:db8::1]</c>.</summary>
    public static string Unbracket(string host)
    {
        var trimmed = host.Trim();
        return trimmed.Length > 2 && trimmed[0] == '[' && trimmed[^1] == ']' ? trimmed[1..^1] : trimmed;
    }
}
