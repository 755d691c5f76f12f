using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Probing;
using ExchangeSmtpFleet.Hosting;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary>The mail step of a foreground command (<c>audit --email</c>, <c>report --email</c>), and its line on the terminal.</summary>
internal static class ReportMail
{
    /// <summary>Mails the run's workbook once per run; a failed send exits 2 with the relay's answer and leaves the workbook where it is.</summary>
    public static async Task<int> SendAsync(AuditWorkflow workflow, string runId, string workbook, bool resend, TextWriter error, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        ArgumentNullException.ThrowIfNull(error);
        var outcome = await workflow.MailReportAsync(runId, workbook, FleetSession.Owner(), resend, cancellationToken).ConfigureAwait(false);
        var (line, code) = outcome.Kind switch
        {
            MailOutcomeKind.Sent => ($"mailed to {outcome.Detail}", ExitCodes.Ok),
            MailOutcomeKind.AlreadyMailed => ($"run {runId} was mailed at {outcome.At?.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z; nothing sent (--resend sends it again)", ExitCodes.Ok),
            MailOutcomeKind.Busy => ($"run {runId} is being mailed by {outcome.Detail}; nothing sent (--resend sends it anyway)", ExitCodes.Ok),
            MailOutcomeKind.NotConfigured => ($"--email needs {MailSettings.Section}:{nameof(MailSettings.Host)} (appsettings.json or ESF_Mail__Host); the workbook is at {workbook}", ExitCodes.Error),
            _ => ($"not mailed: {TranscriptText.ForTerminal(outcome.Detail)}; the workbook stays at {workbook}", ExitCodes.Error),
        };
        await error.WriteLineAsync($"{name}: {line}").ConfigureAwait(false);
        return code;
    }
}
