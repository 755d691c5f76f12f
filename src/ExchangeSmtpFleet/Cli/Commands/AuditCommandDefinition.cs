using System.CommandLine;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary><c>esfleet audit</c>: its options.</summary>
internal sealed class AuditCommandDefinition : Command
{
    public AuditCommandDefinition(CliContext context)
        : base("audit", "The whole audit in the foreground: probe and classify every host of an inventory, store the run, write its Excel report (and mail it with --email). Exit 0 when every host is healthy, 1 when any is not, 2 on an error.")
    {
        Fleet.AddTo(this);
        Options.Add(ReportDirectory);
        Options.Add(Language);
        Options.Add(Email);
        SetAction((parse, cancellationToken) => new AuditCommand(this, parse, context).ExecuteAsync(cancellationToken));
    }

    public FleetOptions Fleet { get; } = new();

    public Option<string?> ReportDirectory { get; } = new("--out") { Description = "The folder of the report (default: reports in ESF_DATA_DIR, ./data)." };

    public Option<string?> Language { get; } = CommonOptions.ReportLanguage();

    public Option<bool> Email { get; } = new("--email") { Description = "Mail the report as configured in Mail:*." };
}
