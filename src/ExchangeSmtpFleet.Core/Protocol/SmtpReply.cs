using System.Collections.Immutable;

namespace ExchangeSmtpFleet.Core.Protocol;

/// <summary>
/// One complete SMTP reply (RFC 5321 4.2): the code of its final line and the text of every line.
/// Lines whose code differs from the first are kept; the difference is recorded in <see cref="Anomalies"/>.
/// </summary>
/// <param name="Code">The reply code of the final line (200-599), which decides what the reply is (RFC 5321 4.2.1):
/// <c>250-</c> lines ending in <c>421 Service shutting down</c> are a 421.</param>
/// <param name="Lines">The text of each line after the code and separator, in order.</param>
/// <param name="LineCodes">The code each line carried, in order.</param>
/// <param name="Anomalies">Deviations from RFC 5321 that were tolerated while reading the reply.</param>
public readonly record struct SmtpReply(
    int Code,
    ImmutableArray<string> Lines,
    ImmutableArray<int> LineCodes,
    ImmutableArray<ReplyAnomaly> Anomalies)
{
    /// <summary>2yz: the command was accepted.</summary>
    public bool IsPositive => Code is >= 200 and < 300;

    /// <summary>4yz or 5yz.</summary>
    public bool IsNegative => Code >= 400;

    /// <summary>The text of the first line, e.g. the banner of a greeting.</summary>
    public string FirstLine => Lines.IsDefaultOrEmpty ? string.Empty : Lines[0];

    /// <summary>The reply as it was on the wire, one <c>ddd-text</c> line per element.</summary>
    public IEnumerable<string> ToWireLines()
    {
        for (var i = 0; i < Lines.Length; i++)
        {
            var separator = i == Lines.Length - 1 ? ' ' : '-';
            yield return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{LineCodes[i]}{separator}{Lines[i]}");
        }
    }
}
