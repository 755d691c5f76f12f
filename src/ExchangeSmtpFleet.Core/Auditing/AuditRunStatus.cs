namespace ExchangeSmtpFleet.Core.Auditing;

/// <summary>Where an audit run stands. Stored by name; the values are pinned.</summary>
public enum AuditRunStatus
{
    /// <summary>Hosts are being probed (or the process died and nobody has resumed or closed the run).</summary>
    Running = 0,

    /// <summary>Every host of the inventory got a result.</summary>
    Completed = 1,

    /// <summary>Cancelled (Ctrl+C, a stop request) before every host got a result.</summary>
    Interrupted = 2,

    /// <summary>Ended by an error that is not a host's (a result could not be written).</summary>
    Failed = 3,
}
