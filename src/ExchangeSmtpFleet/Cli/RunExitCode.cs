using ExchangeSmtpFleet.Core.Auditing;

namespace ExchangeSmtpFleet.Cli;

/// <summary>The exit code of a command that audits a fleet (SPEC 9).</summary>
internal static class RunExitCode
{
    /// <summary>0 when every host is healthy and the inventory clean, 1 for findings; a run that was interrupted, failed or not wholly stored is 2.</summary>
    /// <param name="report">How the probing ended.</param>
    public static int Of(ProbeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return report.Status != AuditRunStatus.Completed || !report.Dropped.IsDefaultOrEmpty ? ExitCodes.Error
            : report.Summary.AllHealthy ? ExitCodes.Ok
            : ExitCodes.Findings;
    }
}
