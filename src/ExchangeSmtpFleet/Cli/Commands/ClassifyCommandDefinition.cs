using System.CommandLine;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary><c>esfleet classify FILE...</c>: its arguments and options.</summary>
internal sealed class ClassifyCommandDefinition : Command
{
    public ClassifyCommandDefinition(CliContext context)
        : base("classify", "Diagnose pasted telnet transcripts offline: verdict, family, missing keywords, causes and remediation.")
    {
        Arguments.Add(Files);
        Options.Add(Json);
        Options.Add(Profile);
        Options.Add(Language);
        SetAction((parse, cancellationToken) => new ClassifyCommand(this, parse, context).ExecuteAsync(cancellationToken));
    }

    public Argument<FileInfo[]> Files { get; } = new("FILE")
    {
        Arity = ArgumentArity.OneOrMore,
        Description = "Transcripts of telnet sessions to port 25 (server lines ddd-/ddd; typed lines and # comments are ignored). '-' reads standard input.",
    };

    public Option<bool> Json { get; } = new("--json") { Description = "One JSON object per file, each on one line." };

    public Option<string> Profile { get; } = CommonOptions.Profile();

    public Option<string> Language { get; } = CommonOptions.Language();
}
