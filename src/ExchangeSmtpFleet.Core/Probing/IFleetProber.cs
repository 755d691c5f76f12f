using ExchangeSmtpFleet.Core.Inventory;

namespace ExchangeSmtpFleet.Core.Probing;

/// <summary>Probes a set of hosts with bounded concurrency (implemented by the Smtp project's fleet engine); it judges nothing.</summary>
public interface IFleetProber
{
    /// <summary>Probes every host once; what each probe saw arrives in completion order as soon as it is done.</summary>
    /// <remarks>
    /// The consumer's loop body may run on the thread that completed a probe (a socket thread) while other probes wait
    /// for it: keep it short and hand anything slow to a task of its own, as the audit workflow does for its sinks.
    /// </remarks>
    /// <param name="hosts">The hosts; each is probed exactly once.</param>
    /// <param name="concurrency">Most sessions open at the same time.</param>
    /// <param name="cancellationToken">Stops starting new probes and cancels running ones.</param>
    IAsyncEnumerable<ProbedHost> ProbeAsync(IReadOnlyList<InventoryHost> hosts, int concurrency, CancellationToken cancellationToken);
}
