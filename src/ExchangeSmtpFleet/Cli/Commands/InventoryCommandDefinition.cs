using System.CommandLine;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary><c>esfleet inventory check FILE</c>: the inventory commands.</summary>
internal sealed class InventoryCommandDefinition : Command
{
    public InventoryCommandDefinition(CliContext context)
        : base("inventory", "Inventory commands.")
    {
        var check = new Command("check", "Validate an inventory: lists every problem as 'line N: reason'. Exit 0 valid, 1 row problems, 2 unusable file.") { File };
        check.SetAction(parse => new InventoryCheckCommand(this, parse, context).Execute());
        Subcommands.Add(check);
    }

    public Argument<FileInfo> File { get; } = new("FILE") { Description = "The inventory CSV (SPEC 4)." };
}
