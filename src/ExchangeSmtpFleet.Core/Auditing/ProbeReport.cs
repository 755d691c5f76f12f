using System.Collections.Immutable;

namespace ExchangeSmtpFleet.Core.Auditing;

/// <summary>How the probing of a run's hosts ended.</summary>
/// <param name="Status">Completed, Interrupted (cancelled: the outcomes that arrived were handed over) or Failed.</param>
/// <param name="Summary">Hosts per verdict and the time taken.</param>
public sealed record ProbeReport(AuditRunStatus Status, RunSummary Summary)
{
    /// <summary>A sink that stops the run failed: its name and cause; null when none did.</summary>
    public string? SinkFailure { get; init; }

    /// <summary>The probing itself failed (this machine out of sockets for minutes): why; null when it did not.</summary>
    public string? ProbingFailure { get; init; }

    /// <summary>Sinks that failed and were dropped (a database under <see cref="RunStorage.DropOnFailure"/>): name and cause.</summary>
    public ImmutableArray<string> Dropped { get; init; } = [];

    /// <summary>Whether the database was dropped: the run is not (wholly) stored.</summary>
    public bool StoreDropped { get; init; }
}
