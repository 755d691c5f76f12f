using System.CommandLine;
using ExchangeSmtpFleet.Hosting;
using ExchangeSmtpFleet.Jobs;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary><c>esfleet demo</c>: its options.</summary>
internal sealed class DemoCommandDefinition : Command
{
    public DemoCommandDefinition(CliContext context)
        : base("demo", "Start the simulated lab fleet from samples/, run one audit through the job pipeline (Hangfire, batches, report), print the summary and the report's path. Exit 0 when the audit ran.")
    {
        Options.Add(Inventory);
        Options.Add(Fleet);
        Options.Add(BatchSize);
        Options.Add(Concurrency);
        Options.Add(Serve);
        Options.Add(Urls);
        Options.Add(Email);
        Store.AddTo(this);
        Probe.AddTo(this);
        SetAction((parse, cancellationToken) => new DemoCommand(this, parse, context).ExecuteAsync(cancellationToken));
    }

    public Option<FileInfo?> Inventory { get; } = new("--inventory", "-i") { Description = "The inventory (default samples/inventory-lab.csv)." };

    public Option<FileInfo?> Fleet { get; } = new("--simulate") { Description = "The simulated fleet (default samples/lab-fleet.json)." };

    public Option<int?> BatchSize { get; } = NumberOptions.Integer("--batch-size", "Hosts per batch job (default 8: the lab's 31 hosts make 4 batches).", 1, 100_000);

    public Option<int?> Concurrency { get; } = NumberOptions.Integer(
        "--concurrency", "Most hosts one batch probes at the same time (default Scan:Concurrency).", 1, ScanSettings.MaxConcurrency, "-c");

    public Option<bool> Serve { get; } = new("--serve") { Description = "Keep the dashboard open afterwards (until Ctrl+C) and print its address." };

    public Option<string?> Urls { get; } = new("--urls") { Description = $"Where the dashboard listens with --serve (default {JobHost.DefaultUrls})." };

    public Option<bool> Email { get; } = new("--email") { Description = "Mail the report as configured in Mail:* (a mail job after the report job)." };

    public StoreOptions Store { get; } = new();

    public ProbeCliOptions Probe { get; } = new();
}
