namespace ExchangeSmtpFleet.Core.Auditing;

/// <summary>What the audit does when a result sink fails.</summary>
public enum SinkFailurePolicy
{
    /// <summary>The run stops and fails: without this sink the run is worthless (the output the user asked for).</summary>
    StopRun = 0,

    /// <summary>
    /// The sink is dropped and the run goes on: what the other sinks get stays complete (a database that fails in the
    /// middle of a scan must not cost the JSON Lines); the failure is reported with the result.
    /// </summary>
    Detach = 1,
}
