using ExchangeSmtpFleet.Core.Inventory;

namespace ExchangeSmtpFleet.Core.Auditing;

/// <summary>Probes and classifies a set of hosts with bounded concurrency (implemented by the Smtp project's fleet engine).</summary>
public interface IFleetProber
{
    /// <summary>Probes every host once; outcomes arrive in completion order as soon as each is classified.</summary>
    /// <remarks>
    /// The consumer's loop body may run on the thread that completed a probe (a socket thread) while other probes wait
    /// for it: keep it short and hand anything slow to a task of its own, as <see cref="AuditService"/> does for sinks.
    /// </remarks>
    /// <param name="hosts">The hosts; each is probed exactly once.</param>
    /// <param name="concurrency">Most sessions open at the same time.</param>
    /// <param name="progress">Told after every host, or null.</param>
    /// <param name="cancellationToken">Stops starting new probes and cancels running ones.</param>
    IAsyncEnumerable<HostOutcome> ProbeAsync(
        IReadOnlyList<InventoryHost> hosts, int concurrency, IProgress<FleetProgress>? progress, CancellationToken cancellationToken);
}
