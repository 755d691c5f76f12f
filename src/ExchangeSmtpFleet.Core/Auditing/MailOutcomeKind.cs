namespace ExchangeSmtpFleet.Core.Auditing;

/// <summary>What became of a request to mail a run's report.</summary>
public enum MailOutcomeKind
{
    /// <summary>Sent and recorded.</summary>
    Sent = 0,

    /// <summary>Mailed before (a retried job): nothing sent.</summary>
    AlreadyMailed = 1,

    /// <summary>No relay is configured.</summary>
    NotConfigured = 2,

    /// <summary>The relay could not be reached or refused; not recorded, so the next attempt sends it.</summary>
    Failed = 3,
}
