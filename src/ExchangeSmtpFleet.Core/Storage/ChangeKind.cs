namespace ExchangeSmtpFleet.Core.Storage;

/// <summary>How a host's verdict moved between two runs. Stored and exported by name.</summary>
public enum ChangeKind
{
    /// <summary>Healthy before, not healthy now.</summary>
    NewProblem = 0,

    /// <summary>Not healthy before, healthy now.</summary>
    Recovered = 1,

    /// <summary>Not healthy before and now, with another verdict.</summary>
    VerdictChanged = 2,

    /// <summary>Not healthy before and now, with the same verdict.</summary>
    StillFailing = 3,

    /// <summary>In the later run only.</summary>
    Added = 4,

    /// <summary>In the earlier run only.</summary>
    Removed = 5,
}
