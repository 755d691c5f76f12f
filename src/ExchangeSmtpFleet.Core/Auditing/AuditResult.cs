namespace ExchangeSmtpFleet.Core.Auditing;

/// <summary>How a run ended and its figures.</summary>
/// <param name="Run">The run with its final status.</param>
/// <param name="Summary">Hosts per verdict and the rest of the figures.</param>
public sealed record AuditResult(AuditRun Run, RunSummary Summary)
{
    /// <summary>The process exit code for this run (SPEC 9).</summary>
    public int ExitCode => Summary.ExitCode(Run.Status);
}
