using System.CommandLine;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary><c>esfleet changes</c>: its options.</summary>
internal sealed class ChangesCommandDefinition : Command
{
    public ChangesCommandDefinition(CliContext context)
        : base("changes", "What changed against the latest completed run before (or a given one): new problems, recovered, verdict changed, added, removed; still failing with --all. Exit 1 when there are new problems.")
    {
        Options.Add(Run);
        Options.Add(Since);
        Options.Add(Json);
        Options.Add(All);
        Store.AddTo(this);
        SetAction((parse, cancellationToken) => new ChangesCommand(this, parse, context).ExecuteAsync(cancellationToken));
    }

    public Option<string> Run { get; } = StoredRuns.Run();

    public Option<string?> Since { get; } = new("--since") { Description = "The earlier run to compare with (default: the run before)." };

    public Option<bool> Json { get; } = StoredRuns.Json();

    public Option<bool> All { get; } = new("--all") { Description = "Also list the hosts that are still failing (unchanged but not healthy)." };

    public StoreOptions Store { get; } = new();
}
