using System.CommandLine;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary><c>esfleet probe HOST[:PORT]</c>: its arguments and options.</summary>
internal sealed class ProbeCommandDefinition : Command
{
    public ProbeCommandDefinition(CliContext context)
        : base("probe", "Probe one host: live transcript, verdict, causes and remediation.")
    {
        Arguments.Add(Target);
        Options.Add(Json);
        Options.Add(Profile);
        Options.Add(Language);
        Options.Add(Name);
        Probe.AddTo(this);
        SetAction((parse, cancellationToken) => new ProbeCommand(this, parse, context).ExecuteAsync(cancellationToken));
    }

    public Argument<string> Target { get; } = new("HOST[:PORT]") { Description = "DNS name or IP address, optionally with a port (default 25); IPv6 as [addr]:port." };

    public Option<bool> Json { get; } = new("--json") { Description = "Print the result as one JSON object instead of the transcript and advice." };

    public Option<string> Profile { get; } = CommonOptions.Profile();

    public Option<string> Language { get; } = CommonOptions.Language();

    public new Option<string?> Name { get; } = new("--name") { Description = "Expected server name, compared with the banner." };

    public ProbeCliOptions Probe { get; } = new();
}
