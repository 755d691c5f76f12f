namespace ExchangeSmtpFleet.Core.Auditing;

/// <summary>How a run ended and its figures.</summary>
/// <param name="Run">The run with its final status.</param>
/// <param name="Summary">Hosts per verdict and the rest of the figures.</param>
/// <param name="SinkFailures">Sinks that failed and were dropped (<see cref="SinkFailurePolicy.Detach"/>): name and cause.</param>
public sealed record AuditResult(AuditRun Run, RunSummary Summary, System.Collections.Immutable.ImmutableArray<string> SinkFailures)
{
    /// <summary>The process exit code for this run (SPEC 9).</summary>
    public int ExitCode => SinkFailures.IsDefaultOrEmpty ? Summary.ExitCode(Run.Status) : ExitCodes.Error;
}
