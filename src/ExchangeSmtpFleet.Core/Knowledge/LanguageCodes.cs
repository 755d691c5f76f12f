namespace ExchangeSmtpFleet.Core.Knowledge;

/// <summary>Maps the <c>--lang en|de</c> codes onto <see cref="Language"/>.</summary>
public static class LanguageCodes
{
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

    public static string ToCode(this Language language) => language == Language.German ? "de" : "en";
}
