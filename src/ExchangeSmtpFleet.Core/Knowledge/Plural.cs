using System.Globalization;

namespace ExchangeSmtpFleet.Core.Knowledge;

/// <summary>
/// "1 host", "2 hosts": a count with its noun, singular or plural. In the texts of <c>knowledge.json</c> a value written
/// <c>{0:line|lines}</c> is the count with the singular or plural words after it (<see cref="Format"/>).
/// </summary>
public static class Plural
{
    /// <summary>The count and the singular for 1, the plural (default: the singular and "s") otherwise.</summary>
    /// <param name="count">The count.</param>
    /// <param name="singular">The noun for one.</param>
    /// <param name="plural">The noun for any other count; null for <paramref name="singular"/> with an "s".</param>
    public static string Of(long count, string singular, string? plural = null) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {(count == 1 ? singular : plural ?? singular + "s")}");

    /// <summary>A measure rounded for reading ("1 hour", "1.5 hours"): singular when it reads as 1.</summary>
    /// <param name="value">The value.</param>
    /// <param name="format">How it is rounded (<c>0.#</c>).</param>
    /// <param name="singular">The unit for 1.</param>
    /// <param name="plural">The unit otherwise; null for <paramref name="singular"/> with an "s".</param>
    public static string Rounded(double value, string format, string singular, string? plural = null)
    {
        var text = value.ToString(format, CultureInfo.InvariantCulture);
        return $"{text} {(text == "1" ? singular : plural ?? singular + "s")}";
    }

    /// <summary>
    /// <see cref="string.Format(IFormatProvider, string, object[])"/> in the invariant culture, where a placeholder with
    /// words, <c>{0:line arrived|lines arrived}</c>, becomes the value and the words before the bar when it is 1, after it otherwise.
    /// </summary>
    /// <param name="template">The text.</param>
    /// <param name="values">Its values.</param>
    public static string Format(string template, params object?[] values) => string.Format(Formatter.Instance, template, values);

    private sealed class Formatter : IFormatProvider, ICustomFormatter
    {
        public static readonly Formatter Instance = new();

        public object? GetFormat(Type? formatType) => formatType == typeof(ICustomFormatter) ? this : null;

        public string Format(string? format, object? arg, IFormatProvider? formatProvider)
        {
            if (format is not null && format.Contains('|', StringComparison.Ordinal))
            {
                var words = format.Split('|', 2);
                var count = Convert.ToString(arg, CultureInfo.InvariantCulture) ?? string.Empty;
                return $"{count} {(count == "1" ? words[0] : words[1])}";
            }

            return arg is IFormattable formattable
                ? formattable.ToString(format, CultureInfo.InvariantCulture)
                : Convert.ToString(arg, CultureInfo.InvariantCulture) ?? string.Empty;
        }
    }
}
