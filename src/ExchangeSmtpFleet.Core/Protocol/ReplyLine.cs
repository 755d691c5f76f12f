using System.Diagnostics.CodeAnalysis;

namespace ExchangeSmtpFleet.Core.Protocol;

/// <summary>One line of an SMTP reply, split into code, continuation flag and text.</summary>
/// <param name="Code">The three-digit reply code.</param>
/// <param name="IsFinal">False for <c>ddd-</c> lines, true otherwise.</param>
/// <param name="Text">The text after the code and separator.</param>
/// <param name="SeparatorMissing">True for lines like <c>250OK</c>.</param>
public readonly record struct ReplyLine(int Code, bool IsFinal, string Text, bool SeparatorMissing)
{
    /// <summary>
    /// Parses <c>Reply-code [("-" / SP) textstring]</c> (RFC 5321 4.2). The code must be
    /// <c>%x32-35 %x30-35 %x30-39</c>; anything else is not an SMTP reply line.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> line, [NotNullWhen(true)] out ReplyLine? result)
    {
        result = null;
        if (line.Length < 3 || line[0] is < '2' or > '5' || line[1] is < '0' or > '5' || line[2] is < '0' or > '9')
        {
            return false;
        }

        var code = ((line[0] - '0') * 100) + ((line[1] - '0') * 10) + (line[2] - '0');
        if (line.Length == 3)
        {
            // RFC 5321 4.2.1: clients MUST be prepared for the SP of the last line to be omitted.
            result = new ReplyLine(code, true, string.Empty, false);
            return true;
        }

        var separator = line[3];
        if (separator == '-')
        {
            result = new ReplyLine(code, false, line[4..].ToString(), false);
        }
        else if (separator == ' ')
        {
            result = new ReplyLine(code, true, line[4..].ToString(), false);
        }
        else if (char.IsAsciiDigit(separator))
        {
            return false; // "2500 ..." is not a reply line
        }
        else
        {
            result = new ReplyLine(code, true, line[3..].ToString(), true);
        }

        return true;
    }
}
