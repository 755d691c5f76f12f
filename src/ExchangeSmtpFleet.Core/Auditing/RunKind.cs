namespace ExchangeSmtpFleet.Core.Auditing;

/// <summary>What a run is; the first word of its id.</summary>
public enum RunKind
{
    /// <summary>A scan: probe and store. Any number may run at once.</summary>
    Scan = 0,

    /// <summary>An audit (foreground or nightly): probe, store, report, mail. One at a time per database: it holds the audit lock.</summary>
    Audit = 1,
}
