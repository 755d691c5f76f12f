namespace ExchangeSmtpFleet.Core.Storage;

/// <summary>How one check of a database came out (<c>esfleet db check</c>); the exit code is the worst of them.</summary>
public enum CheckOutcome
{
    /// <summary>As it should be.</summary>
    Pass = 0,

    /// <summary>Works, but worth a look (an old schema the next run upgrades, a setting a DBA would change).</summary>
    Warn = 1,

    /// <summary>The audit cannot use the database this way.</summary>
    Fail = 2,
}
