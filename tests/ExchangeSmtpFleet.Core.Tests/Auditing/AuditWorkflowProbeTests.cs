using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Classification;
using static ExchangeSmtpFleet.Core.Tests.Auditing.AuditFakes;

namespace ExchangeSmtpFleet.Core.Tests.Auditing;

/// <summary>The probe step: outcomes to the store and the other sinks as they arrive, and what a failing sink does.</summary>
public sealed class AuditWorkflowProbeTests
{
    private static ProbeRequest Request(int hosts, RunStorage storage, params IResultSink[] sinks) =>
        new("scan-1", Now, Fleet(hosts).Hosts, 8) { Storage = storage, Sinks = sinks };

    private static async Task<MemoryStore> BegunAsync(int hosts)
    {
        var store = new MemoryStore();
        var workflow = Workflow(store: store, inventory: new Inventories().Add("/inv.csv", Fleet(hosts)));
        await workflow.BeginRunAsync(new RunRequest(RunKind.Scan, "/inv.csv", 8) { RunId = "scan-1" }, TestContext.Current.CancellationToken);
        return store;
    }

    [Fact]
    public async Task Probe_EveryOutcome_ReachesTheStoreAndEverySinkOnceInArrivalOrder()
    {
        var store = await BegunAsync(300);
        var first = new RecordingSink("a");
        var second = new RecordingSink("b");

        var report = await Workflow(store: store).ProbeHostsAsync(Request(300, RunStorage.StopOnFailure, first, second), TestContext.Current.CancellationToken);

        Assert.Equal(AuditRunStatus.Completed, report.Status);
        Assert.Equal(Enumerable.Range(1, 300).Select(i => $"h{i}.example"), first.Written.Select(o => o.Host.Host));
        Assert.Equal(first.Written, second.Written);
        Assert.Equal(300, store.ResultsOf("scan-1").Count);
        Assert.True(first.Completed && second.Completed);
        Assert.False(first.Disposed, "the caller's sinks are the caller's to dispose");
        Assert.Equal(300, report.Summary.Total);
    }

    [Fact]
    public async Task Probe_NotStored_OpensNoStoreSink()
    {
        var store = new MemoryStore();
        var json = new RecordingSink("json");

        var report = await Workflow(store: store).ProbeHostsAsync(Request(5, RunStorage.NotStored, json), TestContext.Current.CancellationToken);

        Assert.Equal(5, json.Written.Count);
        Assert.Equal(0, store.SinksOpened);
        Assert.False(report.StoreDropped);
    }

    [Fact]
    public async Task Probe_SlowSink_DoesNotHoldTheProbingAndGetsWhatPiledUpInBatches()
    {
        var slow = new RecordingSink { Hold = true };
        var fleet = new InstantFleet();

        var running = Workflow(fleet).ProbeHostsAsync(Request(1000, RunStorage.NotStored, slow), TestContext.Current.CancellationToken);
        await slow.FirstWrite.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        for (var i = 0; i < 1000 && !fleet.Finished; i++)
        {
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }

        // The sink has not returned from its first write, yet every host was probed: the queue took the outcomes.
        Assert.True(fleet.Finished, $"the probing stopped at {fleet.Yielded} of 1000 hosts behind a slow sink");
        Assert.Empty(slow.Written);
        slow.Release();
        var report = await running;

        Assert.Equal(1000, slow.Written.Count);
        Assert.True(slow.BatchSizes.Count < 1000, "outcomes that piled up must arrive in batches");
        Assert.All(slow.BatchSizes, size => Assert.InRange(size, 1, AuditWorkflow.MaxBatchSize));
        Assert.Equal(1000, report.Summary.Total);
    }

    [Fact]
    public async Task Probe_FailingSink_FailsTheRunStopsProbingAndCompletesTheOthers()
    {
        var full = new RecordingSink("disk") { FailAfter = 0 };
        var other = new RecordingSink("other");
        var fleet = new InstantFleet();

        var report = await Workflow(fleet).ProbeHostsAsync(Request(100_000, RunStorage.NotStored, full, other), TestContext.Current.CancellationToken);

        Assert.Equal(AuditRunStatus.Failed, report.Status);
        Assert.Contains("disk: No space left on device", report.SinkFailure, StringComparison.Ordinal);
        Assert.False(fleet.Finished, "probing must stop when a result cannot be written");
        Assert.True(other.Completed);
        Assert.False(full.Completed);
    }

    [Fact]
    public async Task Probe_StoreFails_WithStopOnFailure_StopsTheRun()
    {
        var store = await BegunAsync(2000);
        store.FailAfterResults = 10;
        var json = new RecordingSink("json");
        var fleet = new InstantFleet();

        var report = await Workflow(fleet, store).ProbeHostsAsync(Request(2000, RunStorage.StopOnFailure, json), TestContext.Current.CancellationToken);

        Assert.Equal(AuditRunStatus.Failed, report.Status);
        Assert.Contains("memory store: cannot store results", report.SinkFailure, StringComparison.Ordinal);
        Assert.False(fleet.Finished);
        Assert.Empty(report.Dropped);
    }

    [Fact]
    public async Task Probe_StoreFails_WithDropOnFailure_IsDroppedAndTheOthersGetEveryHost()
    {
        var store = await BegunAsync(500);
        store.FailAfterResults = 10;
        var json = new RecordingSink("json");
        var fleet = new InstantFleet();

        var report = await Workflow(fleet, store).ProbeHostsAsync(Request(500, RunStorage.DropOnFailure, json), TestContext.Current.CancellationToken);

        Assert.True(fleet.Finished);
        Assert.Equal(500, json.Written.Count);
        Assert.Equal(AuditRunStatus.Completed, report.Status);
        Assert.True(report.StoreDropped);
        Assert.Contains("memory store: cannot store results", Assert.Single(report.Dropped), StringComparison.Ordinal);
        Assert.Null(report.SinkFailure);
    }

    [Fact]
    public async Task Probe_SinkFailsToComplete_FailsTheRun()
    {
        var json = new RecordingSink("json") { FailComplete = true };

        var report = await Workflow().ProbeHostsAsync(Request(5, RunStorage.NotStored, json), TestContext.Current.CancellationToken);

        Assert.Equal(AuditRunStatus.Failed, report.Status);
        Assert.Contains("json: connection lost", report.SinkFailure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_Cancelled_EndsInterruptedWithWhatArrived()
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var sink = new RecordingSink();

        var report = await Workflow(new CancellingFleet(after: 10, cancel)).ProbeHostsAsync(Request(50, RunStorage.NotStored, sink), cancel.Token);

        Assert.Equal(AuditRunStatus.Interrupted, report.Status);
        Assert.Equal(10, report.Summary.Total);
        Assert.Equal(10, sink.Written.Count);
        Assert.True(sink.Completed, "an interrupted run still hands over what it has");
    }

    [Fact]
    public async Task Probe_ProbingFails_HandsOverWhatArrivedAndSaysWhy()
    {
        var sink = new RecordingSink();

        var report = await Workflow(new FailingFleet(after: 5)).ProbeHostsAsync(Request(20, RunStorage.NotStored, sink), TestContext.Current.CancellationToken);

        Assert.Equal(AuditRunStatus.Failed, report.Status);
        Assert.Equal("no sockets", report.ProbingFailure);
        Assert.Equal(5, sink.Written.Count);
    }

    [Fact]
    public async Task Probe_JudgesEachHostWithItsInventoryContext()
    {
        var hosts = Fleet(3).Hosts;
        hosts = [hosts[0] with { Host = "sick1.example" }, hosts[1] with { Name = "exch42.corp.example" }, hosts[2]];
        var sink = new RecordingSink();

        var report = await Workflow().ProbeHostsAsync(new ProbeRequest("scan-1", Now, hosts, 2) { Storage = RunStorage.NotStored, Sinks = [sink] }, TestContext.Current.CancellationToken);

        Assert.Equal(1, report.Summary.Count(Verdict.MissingSinks));
        Assert.Equal(2, report.Summary.Count(Verdict.Healthy));
        Assert.Contains(sink.Written.Single(o => o.Host.Name == "exch42.corp.example").Classification.Findings, f => f.Code == FindingCode.BannerNameMismatch);
    }
}
