using System.Globalization;
using System.Text;

namespace ExchangeSmtpFleet.Core.Probing;

/// <summary>
/// Makes text from the network harmless where people read it: terminals (escape sequences), reports and logs.
/// Every character outside printable ASCII becomes <c>\xNN</c>, so the evidence stays exact and readable.
/// </summary>
public static class TranscriptText
{
    /// <summary>
    /// Escapes what a terminal would act on, in text from a file (an inventory, a pasted transcript): C0 and C1 control
    /// characters (escape sequences, bare CR, BEL), DEL and Unicode format characters (bidirectional overrides). Letters of
    /// any script stay as they are.
    /// </summary>
    public static string ForTerminal(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        static bool Unsafe(char c) =>
            char.IsControl(c) || c is '\u2028' or '\u2029' || char.GetUnicodeCategory(c) == UnicodeCategory.Format;
        if (!text.Any(Unsafe))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (Unsafe(c))
            {
                builder.Append(c <= 0xFF ? "\\x" : "\\u").Append(((int)c).ToString(c <= 0xFF ? "X2" : "X4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>Escapes control characters and everything above <c>~</c>; returns the same string when nothing needs it.</summary>
    public static string Escape(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (line.AsSpan().IndexOfAnyExceptInRange(' ', '~') < 0)
        {
            return line;
        }

        var builder = new StringBuilder(line.Length + 16);
        foreach (var c in line)
        {
            builder.Append(char.IsControl(c) || c > '~' ? string.Create(CultureInfo.InvariantCulture, $"\\x{(int)c:X2}") : c);
        }

        return builder.ToString();
    }
}
