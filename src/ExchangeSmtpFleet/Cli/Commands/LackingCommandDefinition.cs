using System.CommandLine;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary><c>esfleet lacking KEYWORD</c>: its arguments and options.</summary>
internal sealed class LackingCommandDefinition : Command
{
    public LackingCommandDefinition(CliContext context)
        : base("lacking", "The hosts of a run that answered EHLO without advertising KEYWORD. Exit 1 when there are any.")
    {
        Arguments.Add(Keyword);
        Options.Add(Run);
        Options.Add(Json);
        Store.AddTo(this);
        SetAction((parse, cancellationToken) => new LackingCommand(this, parse, context).ExecuteAsync(cancellationToken));
    }

    public Argument<string> Keyword { get; } = new("KEYWORD") { Description = "An ESMTP keyword, e.g. XEXCH50 (case-insensitive)." };

    public Option<string> Run { get; } = StoredRuns.Run();

    public Option<bool> Json { get; } = StoredRuns.Json();

    public StoreOptions Store { get; } = new();
}
