using System.CommandLine;
using System.Globalization;
using ExchangeSmtpFleet.Hosting;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary>The options of the commands that probe a fleet in the foreground (<c>scan</c>, <c>audit</c>).</summary>
internal sealed class FleetOptions
{
    public Option<FileInfo> Inventory { get; } = new("--inventory", "-i") { Description = "The inventory CSV.", Required = true };

    public Option<string?> Json { get; } = new("--json") { Description = "Write one JSON object per host to this file as results arrive ('-' for standard output)." };

    public Option<int?> Concurrency { get; } = NumberOptions.Integer(
        "--concurrency", $"Most hosts probed at the same time (1-{ScanSettings.MaxConcurrency}). Default {new ScanSettings().Concurrency}.", 1, ScanSettings.MaxConcurrency, "-c");

    public Option<FileInfo?> Simulate { get; } = new("--simulate")
    {
        Description = "Start this simulated fleet (see samples/lab-fleet.json) on loopback for the duration of the run: a demo without another terminal.",
    };

    public StoreOptions Store { get; } = new();

    public ProbeCliOptions Probe { get; } = new();

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Inventory);
        command.Options.Add(Json);
        command.Options.Add(Concurrency);
        command.Options.Add(Simulate);
        Store.AddTo(command);
        Probe.AddTo(command);
    }

    /// <summary>The settings these options override, as configuration keys.</summary>
    public Dictionary<string, string?> Overrides(ParseResult parse)
    {
        var overrides = Store.Overrides(parse);
        Probe.AddOverrides(parse, overrides);
        if (parse.GetValue(Concurrency) is { } given)
        {
            overrides[$"{ScanSettings.Section}:{nameof(ScanSettings.Concurrency)}"] = given.ToString(CultureInfo.InvariantCulture);
        }

        return overrides;
    }
}
