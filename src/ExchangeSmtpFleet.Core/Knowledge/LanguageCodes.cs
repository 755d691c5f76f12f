using System.Globalization;

namespace ExchangeSmtpFleet.Core.Knowledge;

/// <summary>Maps the <c>--lang en|de</c> codes onto <see cref="Language"/>, and a language onto the culture people read it in.</summary>
public static class LanguageCodes
{
    /// <summary>Reads <c>en</c>, <c>de</c> (or the language's name), case-insensitive.</summary>
    /// <returns>False, with English, for anything else.</returns>
    public static bool TryParse(string? code, out Language language)
    {
        switch (code?.Trim().ToUpperInvariant())
        {
            case "EN" or "ENGLISH":
                language = Language.English;
                return true;
            case "DE" or "GERMAN" or "DEUTSCH":
                language = Language.German;
                return true;
            default:
                language = Language.English;
                return false;
        }
    }

    /// <summary>The code of <paramref name="language"/>: <c>en</c> or <c>de</c>.</summary>
    public static string ToCode(this Language language) => language == Language.German ? "de" : "en";

    /// <summary>
    /// The culture for numbers and dates that people read in <paramref name="language"/> (report, e-mail): <c>de-DE</c>
    /// writes 1.234,5 and 30.11.2026. Machine output (JSON, CSV, logs, the database) stays invariant.
    /// </summary>
    public static CultureInfo CultureOf(Language language) =>
        CultureInfo.GetCultureInfo(language == Language.German ? "de-DE" : "en-US");
}
