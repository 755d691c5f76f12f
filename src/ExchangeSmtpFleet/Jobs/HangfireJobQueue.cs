using ExchangeSmtpFleet.Core.Auditing;
using Hangfire;
using Hangfire.States;
using Hangfire.Storage.Monitoring;

namespace ExchangeSmtpFleet.Jobs;

/// <summary>The audit's next jobs, queued in Hangfire (arguments are ids and numbers, never entities).</summary>
/// <param name="client">The client of the job storage.</param>
/// <param name="storage">The job storage, asked which jobs are still to run.</param>
/// <param name="time">The clock of the second look.</param>
internal sealed class HangfireJobQueue(IBackgroundJobClient client, JobStorage storage, TimeProvider time) : IAuditJobQueue
{
    /// <summary>Jobs read from the storage at a time.</summary>
    private const int Page = 500;

    /// <summary>
    /// A worker takes a job from its queue and then marks it processing: for that moment the job is in no list. A second
    /// look this much later sees it processing.
    /// </summary>
    private static readonly TimeSpan SecondLook = TimeSpan.FromSeconds(2);

    public void EnqueueBatch(AuditBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        client.Enqueue<AuditJobs>(AuditQueues.Batches, j => j.BatchAsync(batch.Label, batch.RunId, batch.Number, batch.Of, batch.First, batch.Size, null!, CancellationToken.None));
    }

    public void EnqueueReport(string runId, string label) =>
        client.Enqueue<AuditJobs>(AuditQueues.Control, j => j.ReportAsync(label, runId, null!, CancellationToken.None));

    public void EnqueueMail(string runId, string label) =>
        client.Enqueue<AuditJobs>(AuditQueues.Control, j => j.MailAsync(label, runId, null!, CancellationToken.None));

    /// <summary>
    /// Whether a batch, report or mail job of the run (its second argument) is enqueued, fetched, processing or scheduled
    /// for a retry, asked twice (<see cref="SecondLook"/>). A job whose method cannot be read (another build's) counts as
    /// pending: a run is never closed on a guess.
    /// </summary>
    public async Task<bool> HasPendingJobsAsync(string runId, CancellationToken cancellationToken)
    {
        if (AnyPending(runId))
        {
            return true;
        }

        await Task.Delay(SecondLook, time, cancellationToken).ConfigureAwait(false);
        return AnyPending(runId);
    }

    /// <summary>
    /// Every list is of entries, not of states: a job deleted in the dashboard keeps its entry in the queue until a worker
    /// fetches and drops it, so an entry counts only while its job is in the state of the list.
    /// </summary>
    private bool AnyPending(string runId)
    {
        var monitoring = storage.GetMonitoringApi();
        bool Any<T>(long count, Func<int, int, JobList<T>> list, Func<T, bool> live, Func<T, Hangfire.Common.Job?> job)
        {
            for (var from = 0; from < count; from += Page)
            {
                if (list(from, Page).Any(j => j.Value is { } entry && live(entry) && (job(entry) is not { } pending || IsOf(pending, runId))))
                {
                    return true;
                }
            }

            return false;
        }

        return Any(monitoring.ProcessingCount(), monitoring.ProcessingJobs, j => j.InProcessingState, j => j.Job)
            || Any(monitoring.ScheduledCount(), monitoring.ScheduledJobs, j => j.InScheduledState, j => j.Job)
            || AuditQueues.All.Any(queue =>
                Any(monitoring.EnqueuedCount(queue), (from, count) => monitoring.EnqueuedJobs(queue, from, count), j => j.InEnqueuedState, j => j.Job)
                || Any(monitoring.FetchedCount(queue), (from, count) => monitoring.FetchedJobs(queue, from, count), j => j.State == EnqueuedState.StateName || j.State == ProcessingState.StateName, j => j.Job));
    }

    private static bool IsOf(Hangfire.Common.Job job, string runId) =>
        job.Type == typeof(AuditJobs) && job.Method.Name != nameof(AuditJobs.StartAsync) && job.Args.Count > 1 && job.Args[1] as string == runId;
}
