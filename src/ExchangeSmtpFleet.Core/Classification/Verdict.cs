namespace ExchangeSmtpFleet.Core.Classification;

/// <summary>The fixed verdict vocabulary (SPEC 3). Reports, exports, the database and exit codes depend on it: stored by name, values pinned, never rename or renumber one.</summary>
public enum Verdict
{
    /// <summary>The host answers as its expected profile requires.</summary>
    Healthy = 0,

    /// <summary>Exchange 2000/2003 family; all Exchange keywords missing, Windows SMTP list complete.</summary>
    MissingSinks = 1,

    /// <summary>Exchange 2000/2003 family; any other incomplete list.</summary>
    SuspectedMetabaseCorruption = 2,

    /// <summary>An SMTP server answered that is not what the inventory expects.</summary>
    UnexpectedServer = 3,

    /// <summary>An SMTP server refused to talk.</summary>
    Rejected = 4,

    /// <summary>Something answered that is not SMTP, or broke the probe's limits.</summary>
    ProtocolError = 5,

    /// <summary>DNS failure, connection refused, time-out, connection lost.</summary>
    Unreachable = 6,
}
