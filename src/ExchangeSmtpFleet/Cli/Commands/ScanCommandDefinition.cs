using System.CommandLine;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary><c>esfleet scan</c>: its options.</summary>
internal sealed class ScanCommandDefinition : Command
{
    public ScanCommandDefinition(CliContext context)
        : base("scan", "Probe and classify every host of an inventory and store the run. Exit 0 when every host is healthy, 1 when any is not, 2 on an error.")
    {
        Fleet.AddTo(this);
        Options.Add(NoStore);
        SetAction((parse, cancellationToken) => new ScanCommand(this, parse, context).ExecuteAsync(cancellationToken));
    }

    public FleetOptions Fleet { get; } = new();

    public Option<bool> NoStore { get; } = new("--no-store") { Description = "Do not store the run in the database." };
}
