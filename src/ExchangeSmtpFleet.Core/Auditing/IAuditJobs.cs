namespace ExchangeSmtpFleet.Core.Auditing;

/// <summary>Where the job pipeline puts its next jobs (Hangfire in the executable; a list in tests).</summary>
public interface IAuditJobs
{
    /// <summary>Queues one batch of a run.</summary>
    /// <param name="batch">The batch.</param>
    void EnqueueBatch(AuditBatch batch);

    /// <summary>Queues the report of a run whose batches are all done.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="label">How the run is named in job titles.</param>
    void EnqueueReport(string runId, string label);

    /// <summary>Queues the mail of a run whose report is written.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="label">How the run is named in job titles.</param>
    void EnqueueMail(string runId, string label);
}
