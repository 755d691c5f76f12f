using ExchangeSmtpFleet.Core.Auditing;
using Hangfire;

namespace ExchangeSmtpFleet.Jobs;

/// <summary>The audit's next jobs, queued in Hangfire (arguments are ids and numbers, never entities).</summary>
/// <param name="client">The client of the job storage.</param>
internal sealed class HangfireJobQueue(IBackgroundJobClient client) : IAuditJobQueue
{
    public void EnqueueBatch(AuditBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        client.Enqueue<AuditJobs>(AuditQueues.Batches, j => j.BatchAsync(batch.Label, batch.RunId, batch.Number, batch.Of, batch.First, batch.Size, null!, CancellationToken.None));
    }

    public void EnqueueReport(string runId, string label) =>
        client.Enqueue<AuditJobs>(AuditQueues.Control, j => j.ReportAsync(label, runId, null!, CancellationToken.None));

    public void EnqueueMail(string runId, string label) =>
        client.Enqueue<AuditJobs>(AuditQueues.Control, j => j.MailAsync(label, runId, null!, CancellationToken.None));
}
