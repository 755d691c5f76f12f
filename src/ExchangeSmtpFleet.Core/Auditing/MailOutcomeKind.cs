namespace ExchangeSmtpFleet.Core.Auditing;

/// <summary>What became of a request to mail a run's report.</summary>
public enum MailOutcomeKind
{
    /// <summary>Sent now.</summary>
    Sent = 0,

    /// <summary>Mailed before; nothing sent.</summary>
    AlreadyMailed = 1,

    /// <summary>No relay is configured; nothing sent.</summary>
    NotConfigured = 2,

    /// <summary>The relay could not be reached or refused; nothing recorded, the next attempt sends.</summary>
    Failed = 3,

    /// <summary>Another job or command holds the run's mail step and is sending it; nothing sent.</summary>
    Busy = 4,

    /// <summary>Not sent on purpose: <c>Mail:When</c> does not want this run mailed (nothing recorded: a person may still send it).</summary>
    NotWanted = 5,
}
