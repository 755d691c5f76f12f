using System.CommandLine;
using ExchangeSmtpFleet.Hosting;

namespace ExchangeSmtpFleet.Cli;

/// <summary><c>--db PATH</c>: the SQLite file a command stores to or reads from, overriding <c>Database:Path</c>.</summary>
internal static class StoreOptions
{
    public static Option<string?> Database() => new("--db")
    {
        Description = "The SQLite database file (default: esfleet.db in ESF_DATA_DIR, ./data).",
    };

    public static Dictionary<string, string?> Overrides(ParseResult parse, Option<string?> database)
    {
        var overrides = new Dictionary<string, string?>();
        if (parse.GetValue(database) is { Length: > 0 } path)
        {
            overrides[$"{DatabaseSettings.Section}:{nameof(DatabaseSettings.Path)}"] = Path.GetFullPath(path);
        }

        return overrides;
    }
}
