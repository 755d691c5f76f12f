using System.Net;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Probing;
using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Jobs;
using ExchangeSmtpFleet.Smtp.Probing;
using ExchangeSmtpFleet.Tests.Cli;
using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.InMemory;
using Hangfire.States;
using Microsoft.Extensions.DependencyInjection;

namespace ExchangeSmtpFleet.Tests.Jobs;

/// <summary>The audit as jobs (issue 11): fan-out over several servers, retries and duplicates, a second audit.</summary>
public sealed class PipelineTests
{
    private static int _relayBlock;

    [Fact]
    public async Task AServeAndTwoWorkersOnOneStorage_ShareTheBatches_EveryHostOnce_OneReport_OneMail()
    {
        await using var fixture = await PipelineFixture.StartAsync(hosts: 24, latencyMs: 100);
        var endpoint = new IPEndPoint(IPAddress.Parse($"127.51.{Interlocked.Increment(ref _relayBlock)}.1"), 2587);
        await using var relay = await TestRelay.StartAsync(endpoint, startTls: false);
        var storage = new InMemoryStorage();
        using var host = PipelineFixture.Build(fixture.Settings(batchSize: 3, concurrency: 3, endpoint), storage);
        var scopes = host.Services.GetRequiredService<IServiceScopeFactory>();
        BackgroundJobServer Server(string name, params string[] queues) => new(new BackgroundJobServerOptions
        {
            ServerName = name,
            Queues = queues,
            WorkerCount = 1,
            SchedulePollingInterval = TimeSpan.FromMilliseconds(200),
            Activator = new AspNetCoreJobActivator(scopes),
        }, storage);

        var store = host.Services.GetRequiredService<IAuditHistory>();
        var ledger = host.Services.GetRequiredService<IJobLedger>();
        string runId;
        // alpha is a serve; beta and gamma are serve --worker: they take batches only.
        using (Server("alpha", AuditQueues.Control, AuditQueues.Batches))
        using (Server("beta", AuditQueues.Batches))
        using (Server("gamma", AuditQueues.Batches))
        {
            var jobId = host.Services.GetRequiredService<IBackgroundJobClient>().Enqueue<AuditJobs>(AuditQueues.Control, j => j.StartAsync(null!, CancellationToken.None));
            runId = AuditJobs.RunIdOf(storage, jobId);

            await PipelineFixture.WaitForAsync(
                async () => AuditWorkflow.IsDone(await ledger.StepsAsync(runId, TestContext.Current.CancellationToken), RunSteps.Mail),
                TimeSpan.FromSeconds(90), "the mail step");
        }

        Assert.Equal(24, await fixture.ResultsAsync(store, runId));
        Assert.Empty(await store.HostsWithoutResultAsync(runId, TestContext.Current.CancellationToken));
        Assert.Equal(AuditRunStatus.Completed, (await store.FindRunAsync(runId, TestContext.Current.CancellationToken))!.Status);
        Assert.Equal([Path.Combine(fixture.Reports, $"{runId}.en.xlsx")], fixture.Workbooks());
        Assert.Single(relay.Received);

        var monitoring = storage.GetMonitoringApi();
        var succeeded = monitoring.SucceededJobs(0, 100).ToList();
        string ServerOf(string jobId) => monitoring.JobDetails(jobId).History.First(h => h.StateName == ProcessingState.StateName).Data["ServerId"].Split(':')[0];
        var batches = succeeded.Where(j => j.Value.Job.Method.Name == nameof(AuditJobs.BatchAsync)).ToList();
        Assert.Equal(8, batches.Count);
        Assert.True(batches.Select(j => ServerOf(j.Key)).Distinct().Count() >= 2, "the batches were not split");
        var control = succeeded.Where(j => j.Value.Job.Method.Name != nameof(AuditJobs.BatchAsync)).ToList();
        Assert.Equal(3, control.Count);
        Assert.All(control, j => Assert.Equal("alpha", ServerOf(j.Key)));
    }

    [Fact]
    public async Task ABatchJobThatFailsHalfway_IsRetriedByHangfire_AndLeavesOneResultPerHost_OneReport()
    {
        await using var fixture = await PipelineFixture.StartAsync(hosts: 6, latencyMs: 20);
        var storage = new InMemoryStorage();
        using var host = PipelineFixture.Build(fixture.Settings(batchSize: 6, concurrency: 1), storage, services =>
            services.AddSingleton<IHostProber>(sp => new FailsOnce(sp.GetRequiredService<SmtpProber>(), failOnCall: 4)));
        var store = host.Services.GetRequiredService<IAuditHistory>();
        var client = host.Services.GetRequiredService<IBackgroundJobClient>();
        var monitoring = storage.GetMonitoringApi();
        using var server = new BackgroundJobServer(new BackgroundJobServerOptions
        {
            WorkerCount = 1,
            SchedulePollingInterval = TimeSpan.FromMilliseconds(200),
            Activator = new AspNetCoreJobActivator(host.Services.GetRequiredService<IServiceScopeFactory>()),
            Queues = [AuditQueues.Control, AuditQueues.Batches],
        }, storage);

        client.Enqueue<AuditJobs>(AuditQueues.Control, j => j.StartAsync(null!, CancellationToken.None));

        // The batch fails on its fourth host; Hangfire schedules its retry (in a minute: the test requeues it at once).
        string? batchJob = null;
        await PipelineFixture.WaitForAsync(() =>
        {
            batchJob = monitoring.ScheduledJobs(0, 10).FirstOrDefault(j => j.Value.Job.Method.Name == nameof(AuditJobs.BatchAsync)).Key;
            return Task.FromResult(batchJob is not null);
        }, TimeSpan.FromSeconds(30), "the batch's retry to be scheduled");
        var runId = (await store.FindRunAsync("latest", TestContext.Current.CancellationToken))!.RunId;
        Assert.Equal(3, await fixture.ResultsAsync(store, runId));
        Assert.Contains(monitoring.JobDetails(batchJob).History, h => h.StateName == FailedState.StateName && h.Data["ExceptionMessage"].Contains("injected", StringComparison.Ordinal));

        Assert.True(client.Requeue(batchJob!));
        await PipelineFixture.WaitForAsync(
            async () => (await store.FindRunAsync(runId, TestContext.Current.CancellationToken))!.Status == AuditRunStatus.Completed && fixture.Workbooks().Length == 1,
            TimeSpan.FromSeconds(30), "the report after the retry");

        Assert.Equal(6, await fixture.ResultsAsync(store, runId));
        Assert.Empty(await store.HostsWithoutResultAsync(runId, TestContext.Current.CancellationToken));
        Assert.Contains("3 hosts probed, 3 stored by an earlier attempt", monitoring.JobDetails(batchJob).History.First(h => h.StateName == SucceededState.StateName).Data["Result"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task BatchStoppedHalfway_AndRunAgain_LeavesOneResultPerHost_AndTheReportIsQueuedOnce()
    {
        await using var fixture = await PipelineFixture.StartAsync(hosts: 6, latencyMs: 150);
        var jobs = new RecordingJobs();
        using var host = PipelineFixture.Build(fixture.Settings(batchSize: 3, concurrency: 1), new InMemoryStorage(), s => s.AddSingleton<IAuditJobQueue>(jobs));
        var workflow = host.Services.GetRequiredService<AuditWorkflow>();
        var store = host.Services.GetRequiredService<IAuditHistory>();
        var cancel = TestContext.Current.CancellationToken;
        var runId = AuditWorkflow.RunIdFor("7", new DateTimeOffset(2026, 11, 30, 2, 0, 0, TimeSpan.Zero));
        var request = new RunRequest(RunKind.Audit, fixture.Inventory, 1) { RunId = runId, BatchSize = 3, Owner = "7" };

        var started = await workflow.BeginRunAsync(request, cancel);
        Assert.Contains($"run {runId}: 6 hosts in 2 batches", started.Line, StringComparison.Ordinal);
        Assert.Equal(2, jobs.Batches.Count);
        Assert.Contains("begun before", (await workflow.BeginRunAsync(request, cancel)).Line, StringComparison.Ordinal);
        Assert.Equal(2, jobs.Batches.Count);

        // The first attempt stops after some hosts are stored (a shutdown, a crash of the worker).
        using (var stop = new CancellationTokenSource())
        {
            var attempt = workflow.ProbeBatchAsync(jobs.Batches[0], "b1", stop.Token);
            await PipelineFixture.WaitForAsync(async () => await fixture.ResultsAsync(store, runId) >= 1, TimeSpan.FromSeconds(30), "a first result");
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => attempt);
        }

        var before = await fixture.ResultsAsync(store, runId);
        Assert.InRange(before, 1, 2);
        var again = await workflow.ProbeBatchAsync(jobs.Batches[0], "b1", cancel);
        Assert.Contains($"{3 - before} hosts probed, {before} stored by an earlier attempt; 1 of 2 batches done", again, StringComparison.Ordinal);
        Assert.Equal(3, await fixture.ResultsAsync(store, runId));

        Assert.EndsWith("run Completed; report queued", await workflow.ProbeBatchAsync(jobs.Batches[1], "b2", cancel), StringComparison.Ordinal);
        Assert.Contains("is Completed: batch 2 has nothing to do", await workflow.ProbeBatchAsync(jobs.Batches[1], "b2-duplicate", cancel), StringComparison.Ordinal);
        Assert.Equal([runId], jobs.Reports);

        Assert.StartsWith($"report of {runId}: ", await workflow.WriteRunReportAsync(runId, "label", "r1", cancel), StringComparison.Ordinal);
        Assert.Contains("written before", await workflow.WriteRunReportAsync(runId, "label", "r2", cancel), StringComparison.Ordinal);
        Assert.Contains("is Completed: batch 1 has nothing to do", await workflow.ProbeBatchAsync(jobs.Batches[0], "late", cancel), StringComparison.Ordinal);
        Assert.Equal(6, await fixture.ResultsAsync(store, runId));
        Assert.Single(fixture.Workbooks());
        Assert.Empty(jobs.Mails);
    }

    [Fact]
    public async Task SecondAudit_WhileOneRuns_IsSkipped_AndTheNextOneAfterItStarts()
    {
        await using var fixture = await PipelineFixture.StartAsync(hosts: 2, latencyMs: 0);
        var jobs = new RecordingJobs();
        using var host = PipelineFixture.Build(fixture.Settings(batchSize: 5, concurrency: 2), new InMemoryStorage(), s => s.AddSingleton<IAuditJobQueue>(jobs));
        var workflow = host.Services.GetRequiredService<AuditWorkflow>();
        var cancel = TestContext.Current.CancellationToken;
        RunRequest Start(string job, DateTimeOffset created) =>
            new(RunKind.Audit, fixture.Inventory, 2) { RunId = AuditWorkflow.RunIdFor(job, created), BatchSize = 5, Owner = job };
        var first = AuditWorkflow.RunIdFor("1", new DateTimeOffset(2026, 11, 30, 2, 0, 0, TimeSpan.Zero));

        await workflow.BeginRunAsync(Start("1", new DateTimeOffset(2026, 11, 30, 2, 0, 0, TimeSpan.Zero)), cancel);
        var skipped = await workflow.BeginRunAsync(Start("2", new DateTimeOffset(2026, 11, 30, 2, 5, 0, TimeSpan.Zero)), cancel);

        Assert.False(skipped.Began);
        Assert.StartsWith($"audit {first} is still running (0 of 1 batch done", skipped.Line, StringComparison.Ordinal);
        Assert.Single(jobs.Batches);

        await workflow.ProbeBatchAsync(jobs.Batches[0], "b", cancel);
        await workflow.WriteRunReportAsync(first, "label", "r", cancel);
        var next = await workflow.BeginRunAsync(Start("3", new DateTimeOffset(2026, 12, 1, 2, 0, 0, TimeSpan.Zero)), cancel);
        Assert.StartsWith("run audit-20261201T020000Z-j3: 2 hosts in 1 batch", next.Line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WithAnUnusableInventory_FailsTheJob_NamingTheFile()
    {
        await using var fixture = await PipelineFixture.StartAsync(hosts: 1, latencyMs: 0);
        using var host = PipelineFixture.Build(fixture.Settings(batchSize: 5, concurrency: 2), new InMemoryStorage(), s => s.AddSingleton<IAuditJobQueue>(new RecordingJobs()));
        var workflow = host.Services.GetRequiredService<AuditWorkflow>();
        var missing = Path.Combine(fixture.Data, "gone.csv");

        var error = await Assert.ThrowsAsync<AuditException>(() => workflow.BeginRunAsync(
            new RunRequest(RunKind.Audit, missing, 2) { RunId = AuditWorkflow.RunIdFor("1", new DateTimeOffset(2026, 11, 30, 2, 0, 0, TimeSpan.Zero)), BatchSize = 5, Owner = "1" },
            TestContext.Current.CancellationToken));

        Assert.StartsWith($"{missing}: unusable inventory: ", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Keeps what the pipeline queues instead of queuing it.</summary>
    private sealed class RecordingJobs : IAuditJobQueue
    {
        public List<AuditBatch> Batches { get; } = [];

        public List<string> Reports { get; } = [];

        public List<string> Mails { get; } = [];

        public void EnqueueBatch(AuditBatch batch) => Batches.Add(batch);

        public void EnqueueReport(string runId, string label) => Reports.Add(runId);

        public void EnqueueMail(string runId, string label) => Mails.Add(runId);

        /// <summary>What was recorded never runs here, so it is always still to run.</summary>
        public Task<bool> HasPendingJobsAsync(string runId, CancellationToken cancellationToken) => Task.FromResult(true);
    }

    /// <summary>A prober that throws on one call (the probing failing in the middle of a batch), then probes as before.</summary>
    private sealed class FailsOnce(IHostProber inner, int failOnCall) : IHostProber
    {
        private int _calls;

        public ProbeOptions Options => inner.Options;

        public Task<ProbeResult> ProbeAsync(string host, int port, Action<TranscriptLine>? onLine, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _calls) == failOnCall
                ? throw new InvalidOperationException("injected: the probing failed in the middle of the batch")
                : inner.ProbeAsync(host, port, onLine, cancellationToken);
    }
}
