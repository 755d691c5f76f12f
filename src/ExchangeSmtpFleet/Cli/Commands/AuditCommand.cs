using System.CommandLine;
using ExchangeSmtpFleet.Core.Auditing;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary>
/// <c>esfleet audit</c>: the audit in the foreground, the same steps as the nightly jobs: begin (with the audit lock),
/// probe (JSON Lines, progress bar), finish, write the report, mail it.
/// </summary>
internal sealed class AuditCommand(AuditCommandDefinition definition, ParseResult parse, CliContext context)
{
    public async Task<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        var directory = ReportTarget.Folder("--out", parse.GetValue(definition.ReportDirectory));
        var overrides = definition.Fleet.Overrides(parse);
        CommonOptions.AddReportLanguage(parse, definition.Language, overrides);
        var email = parse.GetValue(definition.Email);
        await using var session = await FleetSession.OpenAsync(
            definition.Fleet, parse, context, "esfleet audit", overrides,
            email ? services => ReportMail.PreflightAsync(services, parse.InvocationConfiguration.Error, "esfleet audit") : null).ConfigureAwait(false);

        var run = await session.BeginAsync(RunKind.Audit, store: true, cancellationToken).ConfigureAwait(false);
        var report = await session.ProbeAsync(run, cancellationToken).ConfigureAwait(false);
        if (!await session.FinishAsync(run, report).ConfigureAwait(false))
        {
            throw new CommandException("no report: the run was not stored");
        }

        var path = await session.Workflow.WriteReportAsync(run.RunId, directory is null ? null : Path.Combine(directory, Path.GetFileName(session.Workflow.ReportPathOf(run.RunId))), cancellationToken)
            .ConfigureAwait(false);
        await session.Summary.WriteLineAsync($"report: {path}").ConfigureAwait(false);
        if (email)
        {
            var mailed = await ReportMail.SendAsync(session.Workflow, run.RunId, path, MailTrigger.Audit, parse.InvocationConfiguration.Error, "esfleet audit", cancellationToken)
                .ConfigureAwait(false);
            if (mailed != ExitCodes.Ok)
            {
                return mailed;
            }
        }

        return RunExitCode.Of(report);
    }
}
