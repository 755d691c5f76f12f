using System.CommandLine;
using ExchangeSmtpFleet.Core.Knowledge;
using ExchangeSmtpFleet.Core.Profiles;

namespace ExchangeSmtpFleet.Cli;

/// <summary>Options shared by several commands.</summary>
internal static class CommonOptions
{
    public static Option<string> Language() => new("--lang")
    {
        Description = "Language of the texts for people: en or de.",
        DefaultValueFactory = _ => "en",
        Validators =
        {
            r =>
            {
                if (!LanguageCodes.TryParse(r.GetValueOrDefault<string>(), out _))
                {
                    r.AddError($"--lang must be en or de, not '{r.GetValueOrDefault<string>()}'");
                }
            },
        },
    };

    public static Option<string> Profile() => new("--profile")
    {
        Description = $"Profile to judge against (known: {string.Join(", ", ProfileCatalog.BuiltIn.Ids)}).",
        DefaultValueFactory = _ => ProfileCatalog.DefaultProfileId,
        Validators =
        {
            r =>
            {
                var id = r.GetValueOrDefault<string>();
                if (!ProfileCatalog.BuiltIn.TryGet(id, out _))
                {
                    r.AddError($"unknown profile '{id}' (known: {string.Join(", ", ProfileCatalog.BuiltIn.Ids)})");
                }
            },
        },
    };

    /// <summary><c>--lang en|de</c> for a report: no default, so that <c>Report:Language</c> decides when it is not given.</summary>
    public static Option<string?> ReportLanguage() => new("--lang")
    {
        Description = "en or de (default: Report:Language, en).",
        Validators =
        {
            r =>
            {
                var value = r.Tokens.Count == 1 ? r.Tokens[0].Value : string.Empty;
                if (!LanguageCodes.TryParse(value, out _))
                {
                    r.AddError($"--lang must be en or de, not '{value}'");
                }
            },
        },
    };

    /// <summary>Puts the value of a report's <c>--lang</c>, when given, over <c>Report:Language</c>.</summary>
    public static void AddReportLanguage(ParseResult parse, Option<string?> option, IDictionary<string, string?> overrides)
    {
        if (parse.GetValue(option) is { } language)
        {
            overrides[$"{Hosting.ReportSettings.Section}:{nameof(Hosting.ReportSettings.Language)}"] = language;
        }
    }

    public static Language LanguageOf(ParseResult parse, Option<string> option)
    {
        // The option's validator has already rejected anything but en and de.
        return LanguageCodes.TryParse(parse.GetValue(option), out var language) ? language : Core.Knowledge.Language.English;
    }
}
