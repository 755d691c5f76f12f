using ExchangeSmtpFleet.Core.Inventory;

namespace ExchangeSmtpFleet.Core.Storage;

/// <summary>
/// The bookkeeping of the audit's steps (SPEC 7), kept in the audit database next to the runs: whether an audit is running
/// (the audit lock), which batches of a run are done, which owner (a job, a command) holds its report and its mail, and
/// when the mail went out. Every method is safe to call again (jobs are delivered at least once) and from several
/// processes sharing the database. Step names are <see cref="RunSteps"/>.
/// </summary>
public interface IJobLedger : IStoreRole
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

    /// <summary>The hosts at positions <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> - 1 of a run's inventory (in file order) that have no result yet.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="first">The first position, from 0.</param>
    /// <param name="count">How many positions.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    Task<IReadOnlyList<InventoryHost>> PendingHostsAsync(string runId, int first, int count, CancellationToken cancellationToken);

    /// <summary>Claims a step of a run for an owner: the first owner to ask holds it until it is done or released; the holder may claim it again (a retry).</summary>
    /// <param name="runId">The run.</param>
    /// <param name="stepName">The step (<see cref="RunSteps"/>).</param>
    /// <param name="owner">The job or command that asks.</param>
    /// <param name="cancellationToken">Cancels the statements.</param>
    Task<StepClaim> ClaimStepAsync(string runId, string stepName, string owner, CancellationToken cancellationToken);

    /// <summary>Marks a step done (again: the first time stays).</summary>
    /// <param name="runId">The run.</param>
    /// <param name="stepName">The step.</param>
    /// <param name="owner">The job or command that did it.</param>
    /// <param name="at">When.</param>
    /// <param name="cancellationToken">Cancels the statements.</param>
    Task CompleteStepAsync(string runId, string stepName, string owner, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Gives up a claim that is not done (the owner failed and another may try); a claim of another owner stays.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="stepName">The step.</param>
    /// <param name="owner">The owner that gives it up.</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    Task ReleaseStepAsync(string runId, string stepName, string owner, CancellationToken cancellationToken);

    /// <summary>Forgets the owners of a run's steps that are not done (their jobs are known to be gone), so that new jobs can claim them.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    Task ReleaseOpenStepsAsync(string runId, CancellationToken cancellationToken);

    /// <summary>The steps of a run with their owner and when each was done.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    Task<IReadOnlyList<RunStep>> StepsAsync(string runId, CancellationToken cancellationToken);

    /// <summary>Runs split into batches whose report is not written yet, oldest first.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    Task<IReadOnlyList<PipelineRun>> UnfinishedPipelineRunsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Runs split into batches with a step that an owner claimed and has not done (an owner at work, or one that died with
    /// its process), oldest first: what a restart of the only process on a job storage gives back at once.
    /// </summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    Task<IReadOnlyList<PipelineRun>> PipelineRunsWithOpenStepsAsync(CancellationToken cancellationToken);

    /// <summary>How a run is split into batches, or null for a run that is not split (or does not exist).</summary>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    Task<PipelineRun?> PipelineRunAsync(string runId, CancellationToken cancellationToken);

    /// <summary>When a run's report was mailed, or null when it was not.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    Task<DateTimeOffset?> MailedAtAsync(string runId, CancellationToken cancellationToken);

    /// <summary>Records that a run's report was mailed (again: the newer time wins).</summary>
    /// <param name="runId">The run.</param>
    /// <param name="sentAt">When (UTC).</param>
    /// <param name="recipients">To whom.</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    Task RecordMailedAsync(string runId, DateTimeOffset sentAt, string recipients, CancellationToken cancellationToken);
}
