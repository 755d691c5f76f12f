using System.CommandLine;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary><c>esfleet db check</c>: its options.</summary>
internal sealed class DbCheckCommandDefinition : Command
{
    public DbCheckCommandDefinition(CliContext context)
        : base("check", "The preflight before the first night: can the database be reached and used, and is its schema this build's. One line per check; exit 0 all pass, 1 a warning, 2 a failure. Changes nothing.")
    {
        Store.AddTo(this);
        SetAction((parse, cancellationToken) => new DbCheckCommand(this, parse, context).ExecuteAsync(cancellationToken));
    }

    public StoreOptions Store { get; } = new();
}
