using System.CommandLine;
using ExchangeSmtpFleet.Jobs;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary><c>esfleet serve</c>: its options.</summary>
internal sealed class ServeCommandDefinition : Command
{
    public ServeCommandDefinition(CliContext context)
        : base("serve", "Run the nightly audit as Hangfire jobs (Audit:Inventory, Audit:Cron, Audit:TimeZone, ...) with the dashboard at /hangfire. Runs until Ctrl+C or SIGTERM; a batch that is running then is handed back and nothing is lost.")
    {
        Options.Add(Urls);
        Options.Add(RunNow);
        Options.Add(Worker);
        Store.AddTo(this);
        SetAction((parse, cancellationToken) => new ServeCommand(this, parse, context).ExecuteAsync(cancellationToken));
    }

    public Option<string?> Urls { get; } = new("--urls") { Description = $"Where the dashboard listens (default {JobHost.DefaultUrls}; loopback only unless you name another address)." };

    public Option<bool> RunNow { get; } = new("--run-now") { Description = "Trigger nightly-audit once at start, besides its schedule." };

    public Option<bool> Worker { get; } = new("--worker")
    {
        Description = "Only take batches of audits, no dashboard and no schedule (/health stays on --urls): a further machine sharing the SQL Server job storage.",
    };

    public StoreOptions Store { get; } = new();
}
