using System.CommandLine;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary><c>esfleet db prune</c>: its options.</summary>
internal sealed class DbPruneCommandDefinition : Command
{
    public DbPruneCommandDefinition(CliContext context)
        : base("prune", "Drop the transcripts of old runs (verdicts, keywords and findings stay); with --keep-runs-days, old runs as a whole.")
    {
        Options.Add(KeepDays);
        Options.Add(KeepRunsDays);
        Store.AddTo(this);
        SetAction((parse, cancellationToken) => new DbPruneCommand(this, parse, context).ExecuteAsync(cancellationToken));
    }

    public Option<int?> KeepDays { get; } = NumberOptions.Integer("--keep-days", "Keep the transcripts of this many days (default Database:KeepTranscriptsDays, 30).", 0, 100_000);

    public Option<int?> KeepRunsDays { get; } = NumberOptions.Integer(
        "--keep-runs-days", "Also delete whole runs older than this many days (default Database:KeepRunsDays; none: keep them).", 1, 100_000);

    public StoreOptions Store { get; } = new();
}
