namespace ExchangeSmtpFleet.Core.Classification;

/// <summary>What a verdict asks of the people who read a run: every page, mail and monitoring line groups hosts this way.</summary>
public enum VerdictGroup
{
    /// <summary>Nothing to do.</summary>
    Healthy = 0,

    /// <summary>An Exchange server whose SMTP sinks are not loaded or whose metabase is damaged: run the procedure.</summary>
    NeedsAction = 1,

    /// <summary>The host could not be checked (unreachable, refused, not SMTP): look at the host or the network, not at Exchange.</summary>
    CouldNotCheck = 2,

    /// <summary>Another server answered than the inventory expects (another MTA, another Exchange generation, a gateway).</summary>
    Other = 3,
}
