using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace ExchangeSmtpFleet.Hosting;

/// <summary>
/// The <c>Logging</c> section checked before logging reads it (issue 18, item 7). Microsoft's logging reads it when the host
/// is built and throws for a level it does not know ("Configuration value 'Verbose' is not supported", without the
/// setting's name) or a console option it cannot convert: that is an internal error with a stack trace on every command.
/// Here each such value is one problem naming the setting, listed with the others.
/// </summary>
internal static class LoggingSettings
{
    /// <summary>The section.</summary>
    public const string Section = "Logging";

    private static readonly string Levels = string.Join(", ", Enum.GetNames<LogLevel>());

    /// <summary>Every problem of the <c>Logging</c> section, one line each; empty when there is none.</summary>
    /// <param name="configuration">The whole configuration.</param>
    public static IReadOnlyList<string> Problems(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var logging = configuration.GetSection(Section);
        var problems = new List<string>();

        // Where Microsoft.Extensions.Logging takes levels from: Logging:LogLevel:<category>, and the same under each provider
        // (Logging:Console:LogLevel:<category>).
        foreach (var levels in logging.GetChildren().Where(IsLevels).Concat(logging.GetChildren().SelectMany(p => p.GetChildren().Where(IsLevels))))
        {
            foreach (var level in levels.GetChildren().Where(l => l.Value is not null))
            {
                if (!IsLevel(level.Value!))
                {
                    problems.Add($"{level.Path} must be a log level ({Levels}), not '{level.Value}'");
                }
            }
        }

        if (logging["Format"] is { Length: > 0 } format && !format.Equals("json", StringComparison.OrdinalIgnoreCase) && !format.Equals("text", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add($"{Section}:Format must be text or json, not '{format}'");
        }

        // The console provider's options (Logging:Console:LogToStandardErrorThreshold, :FormatterOptions:ColorBehavior ...):
        // bound here from the whole configuration, the binder's message names the whole key; the provider's own binding
        // names only its last part.
        var console = logging.GetSection("Console");
        Bind<ConsoleLoggerOptions>(console, problems);
        Bind<SimpleConsoleFormatterOptions>(console.GetSection("FormatterOptions"), problems);
        return problems;
    }

    private static bool IsLevels(IConfigurationSection section) => section.Key.Equals("LogLevel", StringComparison.OrdinalIgnoreCase);

    /// <summary>What Microsoft's logging takes (a name in any case, or an empty value for none), a number only for a defined level.</summary>
    private static bool IsLevel(string value) =>
        value.Length == 0 || (Enum.TryParse<LogLevel>(value, ignoreCase: true, out var level) && Enum.IsDefined(level));

    private static void Bind<TOptions>(IConfigurationSection section, List<string> problems)
        where TOptions : new()
    {
        try
        {
            section.Bind(new TOptions());
        }
        catch (InvalidOperationException e)
        {
            problems.Add(e.Message);
        }
    }
}
