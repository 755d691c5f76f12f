using System.CommandLine;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary><c>esfleet db</c>: the database's commands.</summary>
internal sealed class DbCommandDefinition : Command
{
    public DbCommandDefinition(CliContext context)
        : base("db", "Database commands.")
    {
        Subcommands.Add(new DbMigrateCommandDefinition(context));
        Subcommands.Add(new DbPruneCommandDefinition(context));
        Subcommands.Add(new DbScriptCommandDefinition());
        Subcommands.Add(new DbCheckCommandDefinition(context));
    }
}
