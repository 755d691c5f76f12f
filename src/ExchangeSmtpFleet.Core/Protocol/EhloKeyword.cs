using System.Collections.Immutable;

namespace ExchangeSmtpFleet.Core.Protocol;

/// <summary>
/// One advertised ESMTP keyword with its parameters (RFC 5321 4.1.1.1). <see cref="Name"/> is upper case
/// (keywords are case-insensitive; IIS writes <c>8bitmime</c>). Old-style keywords such as
/// <c>AUTH=LOGIN</c> and <c>X-EXPS=LOGIN</c> keep the <c>=</c> and are keywords of their own.
/// </summary>
/// <param name="Name">The keyword, upper case.</param>
/// <param name="Parameters">The parameters as advertised.</param>
/// <param name="Raw">The line text as advertised.</param>
public readonly record struct EhloKeyword(string Name, ImmutableArray<string> Parameters, string Raw)
{
    /// <summary>Splits an EHLO line into keyword and parameters at spaces.</summary>
    public static EhloKeyword Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var raw = line.Trim();
        if (raw.Length == 0)
        {
            return new EhloKeyword(string.Empty, [], line);
        }

        if (!raw.Contains(' ', StringComparison.Ordinal))
        {
            // Most keywords (PIPELINING, 8BITMIME, XEXCH50) have no parameters: no split, no array.
            return new EhloKeyword(raw.ToUpperInvariant(), [], raw);
        }

        var parts = raw.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new EhloKeyword(parts[0].ToUpperInvariant(), ImmutableArray.Create(parts, 1, parts.Length - 1), raw);
    }

    /// <summary>True when the keyword matches <c>(ALPHA / DIGIT) *(ALPHA / DIGIT / "-")</c>, optionally
    /// followed by an old-style <c>=</c> suffix.</summary>
    public bool HasValidSyntax
    {
        get
        {
            if (Name.Length == 0 || !char.IsAsciiLetterOrDigit(Name[0]))
            {
                return false;
            }

            var end = Name.IndexOf('=', StringComparison.Ordinal);
            var keyword = end < 0 ? Name : Name[..end];
            foreach (var c in keyword)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '-')
                {
                    return false;
                }
            }

            foreach (var c in Name.AsSpan(keyword.Length))
            {
                if (c is < '!' or > '~')
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>The keyword as advertised: name and parameters.</summary>
    public override string ToString() => Parameters.IsDefaultOrEmpty ? Name : $"{Name} {string.Join(' ', Parameters)}";
}
