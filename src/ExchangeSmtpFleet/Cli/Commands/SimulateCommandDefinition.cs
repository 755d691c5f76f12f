using System.CommandLine;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary><c>esfleet simulate --fleet F</c>: its options.</summary>
internal sealed class SimulateCommandDefinition : Command
{
    public SimulateCommandDefinition(CliContext context)
        : base("simulate", "Run a simulated fleet on loopback addresses for demos, tests and benchmarks; stops on Ctrl+C.")
    {
        Options.Add(Fleet);
        SetAction((parse, cancellationToken) => new SimulateCommand(this, parse, context).ExecuteAsync(cancellationToken));
    }

    public Option<FileInfo> Fleet { get; } = new("--fleet", "-f") { Description = "The fleet JSON file (see samples/lab-fleet.json).", Required = true };
}
