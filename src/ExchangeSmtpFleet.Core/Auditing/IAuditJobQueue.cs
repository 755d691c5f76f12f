namespace ExchangeSmtpFleet.Core.Auditing;

/// <summary>Where the audit's next jobs go (Hangfire in the executable; a list in tests).</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "It is a queue of jobs: first in, first out.")]
public interface IAuditJobQueue
{
    /// <summary>Queues one batch of a run.</summary>
    /// <param name="batch">The batch.</param>
    void EnqueueBatch(AuditBatch batch);

    /// <summary>Queues the report of a finished run.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="label">How the run is named in job titles.</param>
    void EnqueueReport(string runId, string label);

    /// <summary>Queues the mail of a run whose report is written.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="label">How the run is named in job titles.</param>
    void EnqueueMail(string runId, string label);

    /// <summary>
    /// Whether a job of the run is still to run: queued, running, or waiting for a retry. False when every job of it is done,
    /// failed for good or deleted (from the dashboard): nothing will finish the run then.
    /// </summary>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Cancels the question.</param>
    Task<bool> HasPendingJobsAsync(string runId, CancellationToken cancellationToken);
}
