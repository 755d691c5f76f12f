using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Probing;
using ExchangeSmtpFleet.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary>The mail step of a foreground command (<c>audit --email</c>, <c>report --email</c>), and its line on the terminal.</summary>
internal static class ReportMail
{
    /// <summary>
    /// Before any work of a command with <c>--email</c>: every mail setting that is missing or wrong at once (a ten-minute
    /// audit must not end in "--email needs Mail:Host"), and what is risky but allowed (a password in clear) as warnings.
    /// </summary>
    /// <exception cref="ConfigurationProblemException">Mail cannot be sent as configured.</exception>
    public static async Task PreflightAsync(IServiceProvider services, TextWriter error, string name)
    {
        ArgumentNullException.ThrowIfNull(error);
        var mail = services.GetRequiredService<MailSettings>();
        var problems = mail.Problems(required: true).ToList();
        if (problems.Count > 0)
        {
            throw new ConfigurationProblemException([.. problems.Select(p => $"--email: {p}")]);
        }

        foreach (var warning in mail.Warnings())
        {
            await error.WriteLineAsync($"{name}: warning: {warning}").ConfigureAwait(false);
        }
    }

    /// <summary>Mails the run's workbook once per run; a failed send exits 2 with the relay's answer and leaves the workbook where it is.</summary>
    public static async Task<int> SendAsync(AuditWorkflow workflow, string runId, string workbook, MailTrigger trigger, TextWriter error, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        ArgumentNullException.ThrowIfNull(error);
        var outcome = await workflow.MailReportAsync(runId, workbook, FleetSession.Owner(), trigger, cancellationToken).ConfigureAwait(false);
        var (line, code) = outcome.Kind switch
        {
            MailOutcomeKind.Sent => ($"mailed to {TranscriptText.ForTerminal(outcome.Detail)}", ExitCodes.Ok),
            MailOutcomeKind.AlreadyMailed => ($"run {runId} was mailed at {outcome.At?.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z; nothing sent (--resend sends it again)", ExitCodes.Ok),
            MailOutcomeKind.Busy => ($"run {runId} is being mailed by {outcome.Detail}; nothing sent (--resend sends it anyway)", ExitCodes.Ok),
            MailOutcomeKind.NotWanted => ($"not mailed: {outcome.Detail} (esfleet report --run {runId} --email, with this command's --db, sends it)", ExitCodes.Ok),
            MailOutcomeKind.NotConfigured => ($"--email needs {MailSettings.Section}:{nameof(MailSettings.Host)} (appsettings.json or ESF_Mail__Host); the workbook is at {workbook}", ExitCodes.Error),
            _ => ($"not mailed: {TranscriptText.ForTerminal(outcome.Detail)}; the workbook stays at {workbook}", ExitCodes.Error),
        };
        await error.WriteLineAsync($"{name}: {line}").ConfigureAwait(false);
        return code;
    }
}
