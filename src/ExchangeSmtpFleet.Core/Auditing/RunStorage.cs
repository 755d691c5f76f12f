namespace ExchangeSmtpFleet.Core.Auditing;

/// <summary>Whether a run's results go to the database, and what a database that fails does to the run.</summary>
public enum RunStorage
{
    /// <summary>The run is not stored (<c>scan --no-store</c>).</summary>
    NotStored = 0,

    /// <summary>A failing database stops the run (a batch job: it is retried).</summary>
    StopOnFailure = 1,

    /// <summary>A failing database is dropped and said at the end; every host is still probed and given to the other sinks (<c>scan</c>).</summary>
    DropOnFailure = 2,
}
