using System.CommandLine;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary><c>esfleet db migrate</c>: its options.</summary>
internal sealed class DbMigrateCommandDefinition : Command
{
    public DbMigrateCommandDefinition(CliContext context)
        : base("migrate", "Create or upgrade the schema of the database (scans do it too); running it again changes nothing.")
    {
        Store.AddTo(this);
        SetAction((parse, cancellationToken) => new DbMigrateCommand(this, parse, context).ExecuteAsync(cancellationToken));
    }

    public StoreOptions Store { get; } = new();
}
