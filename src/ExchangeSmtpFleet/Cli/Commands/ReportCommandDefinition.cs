using System.CommandLine;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary><c>esfleet report</c>: its options.</summary>
internal sealed class ReportCommandDefinition : Command
{
    public ReportCommandDefinition(CliContext context)
        : base("report", "Write the Excel report of a stored run (summary, one sheet per verdict group, remediation), print its path and, with --email, mail it.")
    {
        Options.Add(Run);
        Options.Add(Out);
        Options.Add(Language);
        Options.Add(Email);
        Options.Add(Resend);
        Store.AddTo(this);
        SetAction((parse, cancellationToken) => new ReportCommand(this, parse, context).ExecuteAsync(cancellationToken));
    }

    public Option<string> Run { get; } = StoredRuns.Run();

    public Option<string?> Out { get; } = new("--out") { Description = "The .xlsx file (default: reports/<run id>.<lang>.xlsx in ESF_DATA_DIR, ./data)." };

    public Option<string?> Language { get; } = CommonOptions.ReportLanguage();

    public Option<bool> Email { get; } = new("--email") { Description = "Mail the workbook as configured in Mail:* (once per run)." };

    public Option<bool> Resend { get; } = new("--resend") { Description = "With --email: mail it although this run's report was mailed before." };

    public StoreOptions Store { get; } = new();
}
