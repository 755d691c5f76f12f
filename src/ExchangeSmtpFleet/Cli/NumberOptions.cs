using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace ExchangeSmtpFleet.Cli;

/// <summary>
/// Numeric options that parse their own text: a value that is not a number, or out of range, is one line naming the
/// option and exit 2, never an exception (<c>--timeout 5s</c>, <c>--concurrency 0x10</c>, <c>--retries 1e9</c>).
/// No default: an option not given leaves the setting to configuration.
/// </summary>
internal static class NumberOptions
{
    /// <summary>Seconds, more than 0 and at most <paramref name="max"/>; decimal point only, no exponent.</summary>
    public static Option<double?> Seconds(string name, string description, double max = 3600) => new(name)
    {
        Description = description,
        CustomParser = r => Parse<double>(r, name, $"a number of seconds, more than 0 and at most {max.ToString(CultureInfo.InvariantCulture)}",
            text => double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var v) && v > 0 && v <= max ? v : (double?)null),
    };

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>; digits only.</summary>
    public static Option<int?> Integer(string name, string description, int min, int max, params string[] aliases) => new(name, aliases)
    {
        Description = description,
        CustomParser = r => Parse<int>(r, name, $"a whole number from {min} to {max}",
            text => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max ? v : (int?)null),
    };

    private static T? Parse<T>(ArgumentResult result, string name, string expected, Func<string, T?> parse)
        where T : struct
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
        if (parse(text) is { } value)
        {
            return value;
        }

        result.AddError($"{name} must be {expected}, not '{Core.Probing.TranscriptText.Escape(text)}'");
        return null;
    }
}
