using System.CommandLine;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary><c>esfleet report</c>: the workbook of a stored run, written again for any run, and with <c>--email</c> mailed once per run.</summary>
internal sealed class ReportCommand(ReportCommandDefinition definition, ParseResult parse, CliContext context)
{
    public async Task<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        var target = ReportTarget.Workbook("--out", parse.GetValue(definition.Out));
        var overrides = new Dictionary<string, string?>();
        CommonOptions.AddReportLanguage(parse, definition.Language, overrides);
        using var host = StoredRuns.Open(context, parse, definition.Store, overrides);
        var workflow = host.Services.GetRequiredService<AuditWorkflow>();
        if (parse.GetValue(definition.Email))
        {
            await ReportMail.PreflightAsync(host.Services, parse.InvocationConfiguration.Error, "esfleet report").ConfigureAwait(false);
        }

        var run = await StoredRuns.FindAsync(host.Services.GetRequiredService<IAuditHistory>(), parse.GetValue(definition.Run)!, cancellationToken).ConfigureAwait(false);
        var path = await workflow.WriteReportAsync(run.RunId, target, cancellationToken).ConfigureAwait(false);
        await parse.InvocationConfiguration.Output.WriteLineAsync(path).ConfigureAwait(false);
        return parse.GetValue(definition.Email)
            ? await ReportMail.SendAsync(workflow, run.RunId, path, parse.GetValue(definition.Resend) ? MailTrigger.Resend : MailTrigger.Command, parse.InvocationConfiguration.Error, "esfleet report", cancellationToken)
                .ConfigureAwait(false)
            : ExitCodes.Ok;
    }
}
