using System.CommandLine;
using ExchangeSmtpFleet.Hosting;

namespace ExchangeSmtpFleet.Cli;

/// <summary>
/// <c>--db</c> and <c>--provider</c>: the database a command stores to or reads from. With SQLite <c>--db</c> is the file
/// (<c>Database:Path</c>); with <c>--provider sqlserver</c> or <c>postgres</c> it is the connection string (<c>ConnectionStrings:Fleet</c>).
/// </summary>
internal sealed class StoreOptions
{
    public Option<string?> Database { get; } = new("--db")
    {
        Description = "The SQLite file (default: esfleet.db in ESF_DATA_DIR, ./data), or with --provider sqlserver or postgres the connection string.",
    };

    public Option<string?> Provider { get; } = new("--provider")
    {
        Description = "sqlite, sqlserver or postgres (default: Database:Provider, sqlite).",
        Validators =
        {
            r =>
            {
                var value = r.Tokens.Count == 1 ? r.Tokens[0].Value : string.Empty;
                if (!DatabaseSettings.Providers.Contains(value, StringComparer.OrdinalIgnoreCase))
                {
                    r.AddError($"--provider must be {string.Join(", ", DatabaseSettings.Providers[..^1])} or {DatabaseSettings.Providers[^1]}, not '{value}'");
                }
            },
        },
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Database);
        command.Options.Add(Provider);
    }

    public Dictionary<string, string?> Overrides(ParseResult parse)
    {
        var overrides = new Dictionary<string, string?>();
        var provider = parse.GetValue(Provider);
        if (provider is not null)
        {
            overrides[$"{DatabaseSettings.Section}:{nameof(DatabaseSettings.Provider)}"] = provider;
        }

        if (parse.GetValue(Database) is { Length: > 0 } database)
        {
            if (new DatabaseSettings { Provider = provider ?? DatabaseSettings.Sqlite }.IsShared)
            {
                overrides[$"ConnectionStrings:{DatabaseSettings.ConnectionStringName}"] = database;
            }
            else
            {
                overrides[$"{DatabaseSettings.Section}:{nameof(DatabaseSettings.Path)}"] = Path.GetFullPath(database);
            }
        }

        return overrides;
    }
}
