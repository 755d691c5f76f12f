using System.CommandLine;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary><c>esfleet check</c>: its options.</summary>
internal sealed class CheckCommandDefinition : Command
{
    public CheckCommandDefinition(CliContext context)
        : base("check", "A monitoring plugin (Nagios, Icinga, Checkmk, PRTG): reads the latest stored run, does not probe, prints one line with performance data. Exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.")
    {
        Options.Add(Host);
        Options.Add(WarningAge);
        Options.Add(CriticalAge);
        Options.Add(Json);
        Store.AddTo(this);
        SetAction((parse, cancellationToken) => new CheckCommand(this, parse, context).ExecuteAsync(cancellationToken));
    }

    public Option<string?> Host { get; } = new("--host", "-H") { Description = "One server's own check: HOST[:PORT] as the inventory names it, or its Name." };

    public Option<int?> WarningAge { get; } = NumberOptions.Integer("--warning-age", "WARNING when the latest completed run is older than this many hours (default 26).", 1, 10_000, "-w");

    public Option<int?> CriticalAge { get; } = NumberOptions.Integer("--critical-age", "CRITICAL when it is older than this many hours (default 50).", 1, 10_000, "-c");

    public Option<bool> Json { get; } = new("--json") { Description = "One JSON object instead of the plugin line." };

    public StoreOptions Store { get; } = new();
}
