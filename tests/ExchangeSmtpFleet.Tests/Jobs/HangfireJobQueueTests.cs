using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Jobs;
using Hangfire;
using Hangfire.InMemory;
using Hangfire.States;

namespace ExchangeSmtpFleet.Tests.Jobs;

/// <summary>Issue 18, item 13: which jobs of a run Hangfire will still run; a deleted or failed one is not among them.</summary>
public sealed class HangfireJobQueueTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HasPendingJobs_IsTrueWhileAJobOfTheRunIsQueuedRunningOrWaitingForItsRetry()
    {
        using var storage = new InMemoryStorage();
        var client = new BackgroundJobClient(storage);

        // The second look is instant on this clock.
        var queue = new HangfireJobQueue(client, storage, new InstantDelays());
        Assert.False(await queue.HasPendingJobsAsync("audit-1", Token));

        queue.EnqueueBatch(new AuditBatch("audit-1", "label", 1, 2, 0, 4));
        queue.EnqueueMail("audit-2", "label");
        var batch = storage.GetMonitoringApi().EnqueuedJobs(AuditQueues.Batches, 0, 10).Single().Key;
        Assert.True(await queue.HasPendingJobsAsync("audit-1", Token));
        Assert.True(await queue.HasPendingJobsAsync("audit-2", Token));
        Assert.False(await queue.HasPendingJobsAsync("audit-3", Token));

        // Running on a worker (Hangfire makes this state only in its worker).
        var processing = (ProcessingState)Activator.CreateInstance(
            typeof(ProcessingState), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance, null, ["server", "worker"], null)!;
        Assert.True(client.ChangeState(batch, processing));
        Assert.True(await queue.HasPendingJobsAsync("audit-1", Token));

        // A failure with a retry to come is scheduled: still pending.
        Assert.True(client.ChangeState(batch, new ScheduledState(TimeSpan.FromMinutes(1)) { Reason = "Retry attempt 1 of 3: injected" }));
        Assert.True(await queue.HasPendingJobsAsync("audit-1", Token));

        // Deleted in the dashboard, or done: nothing of the run will run.
        Assert.True(client.Delete(batch));
        Assert.False(await queue.HasPendingJobsAsync("audit-1", Token));
        queue.EnqueueReport("audit-1", "label");
        var report = storage.GetMonitoringApi().EnqueuedJobs(AuditQueues.Control, 0, 10).Single(j => j.Value.Job.Method.Name == nameof(AuditJobs.ReportAsync)).Key;
        Assert.True(await queue.HasPendingJobsAsync("audit-1", Token));
        Assert.True(client.ChangeState(report, new SucceededState("done", 1, 1)));
        Assert.False(await queue.HasPendingJobsAsync("audit-1", Token));
        Assert.True(await queue.HasPendingJobsAsync("audit-2", Token));
    }

    /// <summary>A clock whose timers fire at once.</summary>
    private sealed class InstantDelays : TimeProvider
    {
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            System.CreateTimer(callback, state, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }
}
