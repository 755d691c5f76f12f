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
        if (candidate.Contains("://", StringComparison.Ordinal))
        {
            return $"'{host}' is a URL: give the host name or address only";
        }

        if (candidate.StartsWith('[') || System.Text.RegularExpressions.Regex.IsMatch(candidate, @"^[^:\[\]]+:\d+$"))
        {
            // "[::1]:2526" (IPAddress.TryParse would accept it and drop the port) or "mail1:2525".
            return $"'{host}' has a port in it: write the host alone and the port in the Port column";
        }

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
        if (labels.All(IsNumericLabel))
        {
            // All-numeric names are meant as IPv4 literals, and the system resolver reads legacy forms (inet_aton): 010 is
            // octal 8, 0x7f is 127, "127.1" is 127.0.0.1. Only strict dotted decimal is accepted, so that the address
            // audited is the address written.
            return TryParseIPv4(name, out _)
                ? null
                : $"'{host}' is not a dotted-decimal IPv4 address (four numbers 0-255 without leading zeros; the system would read "
                  + "leading zeros as octal, 0x as hexadecimal and fewer parts as a shortened address)";
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

    /// <summary>
    /// Parses an IP literal strictly: dotted-decimal IPv4 (no leading zeros, no octal, hexadecimal or shortened forms) or
    /// IPv6 (brackets allowed). Unlike <see cref="IPAddress.TryParse(string?, out IPAddress?)"/>, <c>127.0.0.010</c> is no address.
    /// </summary>
    /// <param name="host">The host as written.</param>
    /// <param name="address">The address, when the host is a literal.</param>
    public static bool TryParseAddress(string host, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IPAddress? address)
    {
        ArgumentNullException.ThrowIfNull(host);
        var candidate = Unbracket(host);
        if (candidate.Contains(':', StringComparison.Ordinal))
        {
            return IPAddress.TryParse(candidate, out address) && address.AddressFamily == AddressFamily.InterNetworkV6;
        }

        return TryParseIPv4(candidate, out address);
    }

    private static bool IsNumericLabel(string label) =>
        label.Length > 0 && (label.All(char.IsAsciiDigit)
            || (label.Length > 2 && label[0] == '0' && label[1] is 'x' or 'X' && label[2..].All(char.IsAsciiHexDigit)));

    private static bool TryParseIPv4(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        var parts = text.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }

        var bytes = new byte[4];
        for (var i = 0; i < 4; i++)
        {
            var part = parts[i];
            if (part.Length is 0 or > 3 || !part.All(char.IsAsciiDigit) || (part.Length > 1 && part[0] == '0'))
            {
                return false;
            }

            var value = int.Parse(part, System.Globalization.CultureInfo.InvariantCulture);
            if (value > 255)
            {
                return false;
            }

            bytes[i] = (byte)value;
        }

        address = new IPAddress(bytes);
        return true;
    }

    /// <summary>Removes the brackets of <c>[2001:db8::1]</c>.</summary>
    public static string Unbracket(string host)
    {
        var trimmed = host.Trim();
        return trimmed.Length > 2 && trimmed[0] == '[' && trimmed[^1] == ']' ? trimmed[1..^1] : trimmed;
    }
}
