using System.CommandLine;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary><c>esfleet runs</c>: its options.</summary>
internal sealed class RunsCommandDefinition : Command
{
    public RunsCommandDefinition(CliContext context)
        : base("runs", "List the stored runs, newest first, with their counts per verdict.")
    {
        Options.Add(Json);
        Options.Add(Limit);
        Store.AddTo(this);
        SetAction((parse, cancellationToken) => new RunsCommand(this, parse, context).ExecuteAsync(cancellationToken));
    }

    public Option<bool> Json { get; } = StoredRuns.Json();

    public Option<int?> Limit { get; } = NumberOptions.Integer("--limit", "Most runs, newest first (default 20).", 1, 100_000);

    public StoreOptions Store { get; } = new();
}
