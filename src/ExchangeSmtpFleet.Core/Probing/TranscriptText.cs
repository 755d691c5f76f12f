using System.Globalization;
using System.Text;

namespace ExchangeSmtpFleet.Core.Probing;

/// <summary>
/// Makes text from the network harmless where people read it: terminals (escape sequences), reports and logs.
/// Every character outside printable ASCII becomes <c>\xNN</c>, so the evidence stays exact and readable.
/// </summary>
public static class TranscriptText
{
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
