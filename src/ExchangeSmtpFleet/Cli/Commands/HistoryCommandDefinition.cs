using System.CommandLine;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary><c>esfleet history HOST[:PORT]</c>: its arguments and options.</summary>
internal sealed class HistoryCommandDefinition : Command
{
    public HistoryCommandDefinition(CliContext context)
        : base("history", "One line per stored run with the host's verdict, reason and missing keywords.")
    {
        Arguments.Add(Target);
        Options.Add(Json);
        Options.Add(Limit);
        Store.AddTo(this);
        SetAction((parse, cancellationToken) => new HistoryCommand(this, parse, context).ExecuteAsync(cancellationToken));
    }

    public Argument<string> Target { get; } = new("HOST[:PORT]") { Description = "The host as the inventory names it, with its port when not 25." };

    public Option<bool> Json { get; } = StoredRuns.Json();

    public Option<int?> Limit { get; } = NumberOptions.Integer("--limit", "Most runs, newest first (default 30).", 1, 100_000);

    public StoreOptions Store { get; } = new();
}
