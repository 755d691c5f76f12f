using ExchangeSmtpFleet.Core.Auditing;

namespace ExchangeSmtpFleet.Core.Tests.Auditing;

/// <summary>A job queue that lists what was queued, in order, for the test to run.</summary>
internal sealed class ListJobQueue : IAuditJobQueue
{
    public List<AuditBatch> Batches { get; } = [];

    public List<string> Reports { get; } = [];

    public List<string> Mails { get; } = [];

    public void EnqueueBatch(AuditBatch batch) => Batches.Add(batch);

    public void EnqueueReport(string runId, string label) => Reports.Add(runId);

    /// <summary>Runs whose jobs were deleted (in the dashboard): none of their jobs is pending.</summary>
    public HashSet<string> Deleted { get; } = new(StringComparer.Ordinal);

    public void EnqueueMail(string runId, string label) => Mails.Add(runId);

    public Task<bool> HasPendingJobsAsync(string runId, CancellationToken cancellationToken) => Task.FromResult(!Deleted.Contains(runId));
}
