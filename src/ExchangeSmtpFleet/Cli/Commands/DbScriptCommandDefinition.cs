using System.CommandLine;
using ExchangeSmtpFleet.Infrastructure.Persistence;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary><c>esfleet db script</c>: its options.</summary>
internal sealed class DbScriptCommandDefinition : Command
{
    public DbScriptCommandDefinition()
        : base("script", "Print the schema for a DBA who applies it by hand: the scripts in order with esfleet's journal, on SQL Server also Hangfire's schema (idempotent: running it twice changes nothing).")
    {
        Options.Add(Provider);
        SetAction((parse, cancellationToken) => new DbScriptCommand(this, parse).ExecuteAsync(cancellationToken));
    }

    public Option<string> Provider { get; } = new("--provider")
    {
        Description = "The dialect: sqlite, sqlserver or postgres (default sqlite).",
        DefaultValueFactory = _ => SchemaScripts.Sqlite,
        Validators =
        {
            r =>
            {
                if (r.GetValueOrDefault<string>() is not (SchemaScripts.Sqlite or SchemaScripts.SqlServer or SchemaScripts.Postgres))
                {
                    r.AddError($"--provider must be {SchemaScripts.Sqlite}, {SchemaScripts.SqlServer} or {SchemaScripts.Postgres}, not '{r.GetValueOrDefault<string>()}'");
                }
            },
        },
    };
}
