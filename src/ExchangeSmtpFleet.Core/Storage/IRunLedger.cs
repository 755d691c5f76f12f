using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Inventory;

namespace ExchangeSmtpFleet.Core.Storage;

/// <summary>
/// The bookkeeping of audits run as jobs (SPEC 7), kept in the audit database next to the runs: which batches of a run are
/// done, which job owns its report and its mail, and whether an audit is running. Every method is safe to call again
/// (jobs are delivered at least once) and from several processes sharing the database.
/// </summary>
public interface IRunLedger
{
    /// <summary>
    /// Takes the audit lock for <paramref name="runId"/> unless another audit holds it: one whose run is still running and
    /// began after <paramref name="staleBefore"/>, or one that took it in the last ten minutes and has not stored its run yet.
    /// </summary>
    /// <param name="runId">The run that wants to start (taking the lock again for the same run succeeds).</param>
    /// <param name="now">The clock reading.</param>
    /// <param name="staleBefore">A running run that began before this no longer blocks (its process is gone).</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    /// <returns>The run that holds the lock afterwards: <paramref name="runId"/> when it was taken.</returns>
    Task<string> TakeAuditLockAsync(string runId, DateTimeOffset now, DateTimeOffset staleBefore, CancellationToken cancellationToken);

    /// <summary>Records how a run is split into batches (after its inventory is stored).</summary>
    /// <param name="runId">The run.</param>
    /// <param name="batchCount">How many batches.</param>
    /// <param name="batchSize">Hosts per batch (the last may have fewer).</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    Task SetBatchesAsync(string runId, int batchCount, int batchSize, CancellationToken cancellationToken);

    /// <summary>The hosts at positions <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> - 1 of a run's inventory (in file order) that have no result yet.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="first">The first position, from 0.</param>
    /// <param name="count">How many positions.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    Task<IReadOnlyList<InventoryHost>> PendingHostsAsync(string runId, int first, int count, CancellationToken cancellationToken);

    /// <summary>A sink that adds results to a run stored before (a batch): it stores no run and does not close it.</summary>
    /// <param name="runId">The run.</param>
    IResultSink CreateBatchSink(string runId);

    /// <summary>Claims a step of a run for a job: the first job to ask owns it until it is done; the owner may claim it again (a retry).</summary>
    /// <param name="runId">The run.</param>
    /// <param name="stepName">The step (<c>finish</c>, <c>report</c>, <c>mail</c>).</param>
    /// <param name="jobId">The job that asks.</param>
    /// <param name="cancellationToken">Cancels the statements.</param>
    Task<StepClaim> ClaimStepAsync(string runId, string stepName, string jobId, CancellationToken cancellationToken);

    /// <summary>Marks a step done (again: the first time stays).</summary>
    /// <param name="runId">The run.</param>
    /// <param name="stepName">The step (<c>batch-0001</c>, <c>report</c>, ...).</param>
    /// <param name="jobId">The job that did it.</param>
    /// <param name="at">When.</param>
    /// <param name="cancellationToken">Cancels the statements.</param>
    Task CompleteStepAsync(string runId, string stepName, string jobId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>The steps of a run with their owner and when each was done.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    Task<IReadOnlyList<RunStep>> StepsAsync(string runId, CancellationToken cancellationToken);

    /// <summary>Forgets the owners of a run's steps that are not done (their jobs are known to be gone), so that new jobs can claim them.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    Task ReleaseOpenStepsAsync(string runId, CancellationToken cancellationToken);

    /// <summary>Runs made by the job pipeline whose report is not written yet, oldest first.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    Task<IReadOnlyList<PipelineRun>> UnfinishedPipelineRunsAsync(CancellationToken cancellationToken);

    /// <summary>How a pipeline run is split, or null for a run that is not one (or does not exist).</summary>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    Task<PipelineRun?> PipelineRunAsync(string runId, CancellationToken cancellationToken);

    /// <summary>Sets a run's final status.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="status">The status.</param>
    /// <param name="finishedAt">When it ended.</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    Task FinishRunAsync(string runId, AuditRunStatus status, DateTimeOffset finishedAt, CancellationToken cancellationToken);
}
