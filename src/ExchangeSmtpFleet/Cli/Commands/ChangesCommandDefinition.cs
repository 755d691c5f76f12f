using System.CommandLine;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary><c>esfleet changes</c>: its options.</summary>
internal sealed class ChangesCommandDefinition : Command
{
    public ChangesCommandDefinition(CliContext context)
        : base("changes", "What changed against the previous (or a given) run: new problems, recovered, still failing, added, removed.")
    {
        Options.Add(Run);
        Options.Add(Since);
        Options.Add(Json);
        Store.AddTo(this);
        SetAction((parse, cancellationToken) => new ChangesCommand(this, parse, context).ExecuteAsync(cancellationToken));
    }

    public Option<string> Run { get; } = StoredRuns.Run();

    public Option<string?> Since { get; } = new("--since") { Description = "The earlier run to compare with (default: the run before)." };

    public Option<bool> Json { get; } = StoredRuns.Json();

    public StoreOptions Store { get; } = new();
}
