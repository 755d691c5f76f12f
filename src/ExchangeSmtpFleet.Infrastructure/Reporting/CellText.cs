using System.Text;

namespace ExchangeSmtpFleet.Infrastructure.Reporting;

/// <summary>
/// Text from the network or an inventory made safe for a workbook cell: characters XML 1.0 forbids are shown as
/// <c>\xNN</c> (a banner's escape sequence must not corrupt the file), and text longer than Excel's cell limit is cut
/// with a mark that says so.
/// </summary>
public static class CellText
{
    /// <summary>Excel's limit on the characters of one cell.</summary>
    public const int MaxLength = 32_767;

    /// <summary>The text as a cell may hold it.</summary>
    /// <param name="text">Any text, or null.</param>
    /// <param name="cutMark">Appended when the text had to be cut (in the report's language).</param>
    public static string Clean(string? text, string cutMark)
    {
        ArgumentNullException.ThrowIfNull(cutMark);
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var clean = IsXmlSafe(text) ? text : Escape(text);
        return clean.Length <= MaxLength ? clean : string.Concat(clean.AsSpan(0, MaxLength - cutMark.Length - 1), " ", cutMark);
    }

    /// <summary>True when a text would be taken for a formula or a command by a spreadsheet (<c>=</c>, <c>+</c>, <c>-</c>, <c>@</c> first).</summary>
    public static bool LooksLikeFormula(string text) => text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r';

    private static bool IsXmlSafe(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            if (!IsXmlChar(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsXmlChar(char c) =>
        c is '\t' or '\n' or '\r' || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD);

    private static string Escape(string text)
    {
        var builder = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[++i]);
            }
            else if (IsXmlChar(c))
            {
                builder.Append(c);
            }
            else
            {
                builder.Append(c <= 0xFF ? "\\x" : "\\u").Append(((int)c).ToString(c <= 0xFF ? "X2" : "X4", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }
}
