using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Inventory;

namespace ExchangeSmtpFleet.Core.Storage;

/// <summary>
/// The write side of a run (SPEC 6), as Hangfire's <c>IWriteOnlyTransaction</c> is of a job: a run is begun with its
/// inventory snapshot, its results go through write-only sinks as they arrive, and it is finished with its final status.
/// Every method may run again for the same run (jobs are delivered at least once) and changes nothing the second time.
/// Every failure of the database itself is a <see cref="StoreException"/>.
/// </summary>
public interface IRunWriter : IStoreRole
{
    /// <summary>
    /// Stores a run that starts (status Running) with its inventory snapshot and problems, and with <paramref name="batches"/>
    /// how the job pipeline splits it, in one transaction. Begun again, the run is Running again and its snapshot replaced.
    /// </summary>
    /// <param name="run">The run as it starts.</param>
    /// <param name="inventory">The inventory it audits.</param>
    /// <param name="batches">The split into batch jobs, or null for a run probed in one go.</param>
    /// <param name="cancellationToken">Cancels the transaction.</param>
    Task BeginRunAsync(AuditRun run, InventoryReadResult inventory, RunBatches? batches, CancellationToken cancellationToken);

    /// <summary>
    /// A write-only sink for the results of a begun run: one transaction per batch of outcomes, a host written again replaces
    /// its result (a retried batch never duplicates anything). It neither begins nor finishes the run.
    /// </summary>
    /// <param name="runId">The run.</param>
    /// <param name="startedAt">When it began (a result knows the host's verdict in the run before).</param>
    IResultSink OpenResultSink(string runId, DateTimeOffset startedAt);

    /// <summary>
    /// Finishes a run that is still Running: <paramref name="status"/>, except that a run asked to complete while hosts of its
    /// inventory have no result is Failed. A run that is not Running any more is left as it is.
    /// </summary>
    /// <param name="runId">The run.</param>
    /// <param name="status">How the run ended as its driver saw it.</param>
    /// <param name="finishedAt">When (UTC).</param>
    /// <param name="cancellationToken">Cancels the transaction.</param>
    /// <returns>The run's status afterwards and the hosts it lacks; null when there is no such run.</returns>
    Task<FinishedRun?> FinishRunAsync(string runId, AuditRunStatus status, DateTimeOffset finishedAt, CancellationToken cancellationToken);
}
