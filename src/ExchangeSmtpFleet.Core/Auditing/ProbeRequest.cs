using ExchangeSmtpFleet.Core.Inventory;

namespace ExchangeSmtpFleet.Core.Auditing;

/// <summary>Which hosts of a run to probe, and where their outcomes go.</summary>
/// <param name="RunId">The run.</param>
/// <param name="StartedAt">When the run began (a stored result knows the host's verdict in the run before).</param>
/// <param name="Hosts">The hosts.</param>
/// <param name="Concurrency">Most hosts probed at the same time.</param>
public sealed record ProbeRequest(string RunId, DateTimeOffset StartedAt, IReadOnlyList<InventoryHost> Hosts, int Concurrency)
{
    /// <summary>Whether the outcomes are stored, and what a failing database does.</summary>
    public RunStorage Storage { get; init; } = RunStorage.StopOnFailure;

    /// <summary>More sinks (JSON Lines); a failing one stops the run: it is the output the user asked for.</summary>
    public IReadOnlyList<IResultSink> Sinks { get; init; } = [];

    /// <summary>Told after every host, or null.</summary>
    public IProgress<FleetProgress>? Progress { get; init; }
}
