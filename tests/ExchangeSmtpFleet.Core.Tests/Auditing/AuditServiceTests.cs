using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Classification;
using static ExchangeSmtpFleet.Core.Tests.Auditing.AuditFakes;

namespace ExchangeSmtpFleet.Core.Tests.Auditing;

public sealed class AuditServiceTests
{
    private static AuditRequest Request(int hosts, int problems = 0) => new("scan", "/data/inventory.csv", Fleet(hosts, problems), 8);

    [Fact]
    public async Task Run_EveryOutcome_ReachesEverySinkOnceInArrivalOrder()
    {
        var first = new RecordingSink("a");
        var second = new RecordingSink("b");

        var result = await Service(new InstantFleet()).RunAsync(Request(300), [first, second], null, TestContext.Current.CancellationToken);

        Assert.Equal(AuditRunStatus.Completed, result.Run.Status);
        Assert.Equal(Enumerable.Range(1, 300).Select(i => $"h{i}.example"), first.Written.Select(o => o.Host.Host));
        Assert.Equal(first.Written, second.Written);
        Assert.Equal(AuditRunStatus.Completed, first.Closed!.Value.Run.Status);
        Assert.Equal(300, first.Closed.Value.Summary.Total);
    }

    [Fact]
    public async Task Run_SlowSink_DoesNotHoldTheProbingAndGetsWhatPiledUpInBatches()
    {
        var slow = new RecordingSink { Hold = true };
        var fleet = new InstantFleet();
        var service = Service(fleet);

        var running = service.RunAsync(Request(1000), [slow], null, TestContext.Current.CancellationToken);
        await slow.FirstWrite.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        for (var i = 0; i < 1000 && !fleet.Finished; i++)
        {
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }

        // The sink has not returned from its first write, yet every host was probed: the queue took the outcomes.
        Assert.True(fleet.Finished, $"the probing stopped at {fleet.Yielded} of 1000 hosts behind a slow sink");
        Assert.Empty(slow.Written);
        slow.Release();
        var result = await running;

        Assert.Equal(1000, slow.Written.Count);
        Assert.True(slow.BatchSizes.Count < 1000, "outcomes that piled up must arrive in batches");
        Assert.All(slow.BatchSizes, size => Assert.InRange(size, 1, AuditService.MaxBatchSize));
        Assert.Equal(1000, result.Summary.Total);
    }

    [Fact]
    public async Task Run_FailingSink_FailsTheRunStopsProbingAndClosesTheOthers()
    {
        var full = new RecordingSink("disk") { FailAfter = 0 };
        var other = new RecordingSink("other");
        var fleet = new InstantFleet();

        var error = await Assert.ThrowsAsync<AuditSinkException>(
            () => Service(fleet).RunAsync(Request(100_000), [full, other], null, TestContext.Current.CancellationToken));

        Assert.Contains("disk", error.Message, StringComparison.Ordinal);
        Assert.Contains("No space left on device", error.Message, StringComparison.Ordinal);
        Assert.False(fleet.Finished, "probing must stop when a result cannot be written");
        Assert.Equal(AuditRunStatus.Failed, other.Closed!.Value.Run.Status);
        Assert.Null(full.Closed);
    }

    [Fact]
    public async Task Run_DetachableSinkFails_IsDroppedAndTheOthersGetEveryHost()
    {
        var database = new RecordingSink("database") { FailAfter = 10, OnFailure = SinkFailurePolicy.Detach };
        var json = new RecordingSink("json");
        var fleet = new InstantFleet();

        var result = await Service(fleet).RunAsync(Request(500), [database, json], null, TestContext.Current.CancellationToken);

        Assert.True(fleet.Finished);
        Assert.Equal(500, json.Written.Count);
        Assert.Equal(AuditRunStatus.Completed, result.Run.Status);
        Assert.Equal(AuditRunStatus.Completed, json.Closed!.Value.Run.Status);
        Assert.Contains("database: No space left on device", Assert.Single(result.SinkFailures), StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Error, result.ExitCode);
        Assert.Null(database.Closed);
    }

    [Fact]
    public async Task Run_DetachableSinkCannotOpen_RunsWithoutIt()
    {
        var database = new RecordingSink("database") { FailOpen = true, OnFailure = SinkFailurePolicy.Detach };
        var json = new RecordingSink("json");

        var result = await Service(new InstantFleet()).RunAsync(Request(20), [database, json], null, TestContext.Current.CancellationToken);

        Assert.Equal(20, json.Written.Count);
        Assert.Contains("database: database is locked", Assert.Single(result.SinkFailures), StringComparison.Ordinal);
        Assert.Empty(database.Written);
    }

    [Fact]
    public async Task Run_EssentialSinkCannotOpen_ClosesTheSinksAlreadyOpenAsFailed()
    {
        var database = new RecordingSink("database") { OnFailure = SinkFailurePolicy.Detach };
        var json = new RecordingSink("json") { FailOpen = true };

        await Assert.ThrowsAsync<AuditSinkException>(
            () => Service(new InstantFleet()).RunAsync(Request(5), [database, json], null, TestContext.Current.CancellationToken));

        Assert.Equal(AuditRunStatus.Failed, database.Closed!.Value.Run.Status);
        Assert.Empty(database.Written);
    }

    [Fact]
    public async Task Run_DetachableSinkFailsToClose_IsReportedNotThrown()
    {
        var database = new RecordingSink("database") { FailClose = true, OnFailure = SinkFailurePolicy.Detach };

        var result = await Service(new InstantFleet()).RunAsync(Request(5), [database], null, TestContext.Current.CancellationToken);

        Assert.Equal(5, database.Written.Count);
        Assert.Contains("database: connection lost", Assert.Single(result.SinkFailures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_Cancelled_EndsInterruptedWithWhatArrivedAndExitCode2()
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var sink = new RecordingSink();
        var fleet = new CancellingFleet(after: 10, cancel);

        var result = await Service(fleet).RunAsync(Request(50), [sink], null, cancel.Token);

        Assert.Equal(AuditRunStatus.Interrupted, result.Run.Status);
        Assert.Equal(10, result.Summary.Total);
        Assert.Equal(10, sink.Written.Count);
        Assert.Equal(AuditRunStatus.Interrupted, sink.Closed!.Value.Run.Status);
        Assert.Equal(ExitCodes.Error, result.ExitCode);
    }

    [Theory]
    [InlineData(20, 0, 0, ExitCodes.Ok)]
    [InlineData(20, 1, 0, ExitCodes.Findings)]
    [InlineData(20, 0, 1, ExitCodes.Findings)]
    public async Task Run_ExitCode_FollowsSpec9(int hosts, int sick, int badRows, int expected)
    {
        var inventory = Fleet(hosts, badRows);
        inventory = inventory with { Hosts = [.. inventory.Hosts.Select((h, i) => i < sick ? h with { Host = $"sick{i}.example" } : h)] };

        var result = await Service(new InstantFleet()).RunAsync(new AuditRequest("scan", "inv.csv", inventory, 4), [], null, TestContext.Current.CancellationToken);

        Assert.Equal(expected, result.ExitCode);
        Assert.Equal(sick, result.Summary.Count(Verdict.MissingSinks));
        Assert.Equal(hosts - sick, result.Summary.Count(Verdict.Healthy));
    }

    [Fact]
    public async Task Run_Record_SaysWhatWasAuditedHowAndByWhichBuild()
    {
        var sink = new RecordingSink();

        var result = await Service(new InstantFleet()).RunAsync(new AuditRequest("audit", "/data/inventory.csv", Fleet(3), 12), [sink], null, TestContext.Current.CancellationToken);

        var run = result.Run;
        Assert.Matches(@"^audit-\d{8}T\d{6}Z-[0-9a-f]{6}$", run.RunId);
        Assert.Equal(run.RunId, sink.Opened!.RunId);
        Assert.Equal(AuditRunStatus.Running, sink.Opened.Status);
        Assert.Equal("/data/inventory.csv", run.InventoryPath);
        Assert.Equal("ab12", run.InventoryHash);
        Assert.Equal(3, run.HostCount);
        Assert.Equal(12, run.Concurrency);
        Assert.Equal("auditor.test", run.Probe.EhloName);
        Assert.Equal("9.9.9-test", run.ToolVersion);
        Assert.NotNull(run.FinishedAt);
        Assert.True(run.FinishedAt >= run.StartedAt);
    }

    [Fact]
    public async Task Run_ProbingFails_ClosesTheSinksWithWhatArrivedAsFailedAndRethrows()
    {
        var sink = new RecordingSink();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => Service(new FailingFleet(after: 5)).RunAsync(Request(20), [sink], null, TestContext.Current.CancellationToken));

        Assert.Equal("no sockets", error.Message);
        Assert.Equal(5, sink.Written.Count);
        Assert.Equal(AuditRunStatus.Failed, sink.Closed!.Value.Run.Status);
    }

    [Fact]
    public async Task Run_UnusableInventory_IsRefused()
    {
        var request = new AuditRequest("scan", "x.csv", Fleet(1) with { FatalError = "no Host column" }, 1);

        await Assert.ThrowsAsync<ArgumentException>(() => Service(new InstantFleet()).RunAsync(request, [], null, TestContext.Current.CancellationToken));
    }

    private sealed class FailingFleet(int after) : IFleetProber
    {
        public async IAsyncEnumerable<HostOutcome> ProbeAsync(
            IReadOnlyList<Core.Inventory.InventoryHost> hosts, int concurrency, IProgress<FleetProgress>? progress,
            [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            for (var i = 0; i < after; i++)
            {
                yield return Outcome(hosts[i]);
            }

            await Task.Yield();
            throw new InvalidOperationException("no sockets");
        }
    }

    private sealed class CancellingFleet(int after, CancellationTokenSource cancel) : IFleetProber
    {
        public async IAsyncEnumerable<HostOutcome> ProbeAsync(
            IReadOnlyList<Core.Inventory.InventoryHost> hosts, int concurrency, IProgress<FleetProgress>? progress,
            [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            for (var i = 0; i < hosts.Count; i++)
            {
                if (i == after)
                {
                    await cancel.CancelAsync();
                }

                cancellationToken.ThrowIfCancellationRequested();
                yield return Outcome(hosts[i]);
            }
        }
    }
}
