using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Storage;
using static ExchangeSmtpFleet.Infrastructure.Tests.Persistence.Outcomes;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Persistence;

/// <summary>What every dialect's ledger must do: the audit lock, steps owned by one job until done, the mail record. One suite, a subclass per dialect.</summary>
public abstract class JobLedgerContract : StorageContract
{
    [Fact]
    public async Task Mail_IsRecordedOncePerRunAndTheLatestSendWins()
    {
        var store = NewStorage();
        await StoreRunAsync(store, "scan-1", Night, [Verdict.Healthy]);

        Assert.Null(await store.Ledger.MailedAtAsync("scan-1", Token));
        await store.Ledger.RecordMailedAsync("scan-1", Night.AddHours(1), "boss@corp.example", Token);
        await store.Ledger.RecordMailedAsync("scan-1", Night.AddHours(2), "boss@corp.example", Token);

        Assert.Equal(Night.AddHours(2), await store.Ledger.MailedAtAsync("scan-1", Token));
    }

    [Fact]
    public async Task Ledger_AuditLock_IsHeldWhileTheRunRuns_AndFreedWhenItEnds_OrIsStale()
    {
        var store = NewStorage();
        var ledger = store.Ledger;
        var staleBefore = Night.AddHours(-20);

        Assert.Equal("audit-a", await ledger.TakeAuditLockAsync("audit-a", Night, staleBefore, Token));
        Assert.Equal("audit-a", await ledger.TakeAuditLockAsync("audit-b", Night.AddMinutes(1), staleBefore, Token));
        await StoreRunAsync(store, "audit-a", Night, [Verdict.Healthy], status: AuditRunStatus.Running);
        Assert.Equal("audit-a", await ledger.TakeAuditLockAsync("audit-b", Night.AddHours(2), staleBefore, Token));
        Assert.Equal("audit-a", await ledger.TakeAuditLockAsync("audit-a", Night.AddHours(2), staleBefore, Token));
        Assert.Equal("audit-b", await ledger.TakeAuditLockAsync("audit-b", Night.AddDays(1), Night.AddHours(1), Token));

        await StoreRunAsync(store, "audit-b", Night.AddDays(1), [Verdict.Healthy], status: AuditRunStatus.Running);
        await store.Writer.FinishRunAsync("audit-b", AuditRunStatus.Completed, Night.AddDays(1).AddHours(1), Token);
        Assert.Equal("audit-c", await ledger.TakeAuditLockAsync("audit-c", Night.AddDays(1).AddHours(2), staleBefore, Token));
    }

    [Fact]
    public async Task Ledger_AuditLock_OfAStartThatDiedBeforeStoringItsRun_BlocksTenMinutes()
    {
        var ledger = NewStorage().Ledger;

        Assert.Equal("audit-ghost", await ledger.TakeAuditLockAsync("audit-ghost", Night, Night.AddHours(-20), Token));
        Assert.Equal("audit-ghost", await ledger.TakeAuditLockAsync("audit-next", Night.AddMinutes(9), Night.AddHours(-20), Token));
        Assert.Equal("audit-next", await ledger.TakeAuditLockAsync("audit-next", Night.AddMinutes(11), Night.AddHours(-20), Token));
    }

    [Fact]
    public async Task Ledger_Steps_BelongToTheFirstJob_UntilDone_OrReleased()
    {
        var store = NewStorage();
        var ledger = store.Ledger;
        await StoreRunAsync(store, "audit-1", Night, [Verdict.Healthy], status: AuditRunStatus.Running);

        Assert.Equal(new StepClaim(StepClaimKind.Claimed, "j1"), await ledger.ClaimStepAsync("audit-1", "report", "j1", Token));
        Assert.Equal(new StepClaim(StepClaimKind.Taken, "j1"), await ledger.ClaimStepAsync("audit-1", "report", "j2", Token));
        Assert.Equal(new StepClaim(StepClaimKind.Claimed, "j1"), await ledger.ClaimStepAsync("audit-1", "report", "j1", Token));
        await ledger.CompleteStepAsync("audit-1", "report", "j1", Night.AddHours(1), Token);
        await ledger.CompleteStepAsync("audit-1", "report", "j1", Night.AddHours(2), Token);
        Assert.Equal(new StepClaim(StepClaimKind.Done, "j1"), await ledger.ClaimStepAsync("audit-1", "report", "j2", Token));

        Assert.Equal(StepClaimKind.Claimed, (await ledger.ClaimStepAsync("audit-1", "mail", "j3", Token)).Kind);
        await ledger.ReleaseOpenStepsAsync("audit-1", Token);
        Assert.Equal(new StepClaim(StepClaimKind.Claimed, "j4"), await ledger.ClaimStepAsync("audit-1", "mail", "j4", Token));

        await ledger.CompleteStepAsync("audit-1", "batch-0002", "j5", Night.AddMinutes(3), Token);
        var steps = await ledger.StepsAsync("audit-1", Token);
        Assert.Equal(["batch-0002", "mail", "report"], steps.Select(s => s.Step));
        Assert.Equal(Night.AddHours(1), steps.Single(s => s.Step == "report").DoneAt);
        Assert.Null(steps.Single(s => s.Step == "mail").DoneAt);
    }

    [Fact]
    public async Task Ledger_PendingHosts_AreTheBatchsRange_InFileOrder_WithoutThoseStored()
    {
        var store = NewStorage();
        var ledger = store.Ledger;
        var inventory = Fleet(5);
        var run = Run("audit-1", Night, 5);
        await store.Writer.BeginRunAsync(run, inventory, new RunBatches(2, 3), Token);

        var batch = store.Writer.OpenResultSink(run.RunId, run.StartedAt);
        await batch.WriteAsync([Outcome(inventory.Hosts[1], Verdict.Healthy, Night)], Token);
        await batch.DisposeAsync();

        Assert.Equal([inventory.Hosts[0].Key, inventory.Hosts[2].Key], (await ledger.PendingHostsAsync("audit-1", 0, 3, Token)).Select(h => h.Key));
        Assert.Equal([inventory.Hosts[3].Key, inventory.Hosts[4].Key], (await ledger.PendingHostsAsync("audit-1", 3, 3, Token)).Select(h => h.Key));
        var first = (await ledger.PendingHostsAsync("audit-1", 0, 1, Token)).Single();
        var expected = inventory.Hosts[0];
        Assert.Equal(
            (expected.LineNumber, expected.Host, expected.Port, expected.Name, expected.Site, expected.Owner, expected.Profile, string.Join(',', expected.IgnoreVerbs)),
            (first.LineNumber, first.Host, first.Port, first.Name, first.Site, first.Owner, first.Profile, string.Join(',', first.IgnoreVerbs)));
        Assert.Equal(AuditRunStatus.Running, (await store.History.FindRunAsync("audit-1", Token))!.Status);
        Assert.Equal(new PipelineRun("audit-1", Night, AuditRunStatus.Running, 5, 2, 3), await ledger.PipelineRunAsync("audit-1", Token));
        Assert.Equal(["audit-1"], (await ledger.UnfinishedPipelineRunsAsync(Token)).Select(r => r.RunId));

        await ledger.CompleteStepAsync("audit-1", "report", "j", Night.AddHours(1), Token);
        Assert.Empty(await ledger.UnfinishedPipelineRunsAsync(Token));
        Assert.Null(await ledger.PipelineRunAsync("scan-none", Token));
    }

    /// <summary>Issue 18, item 17: the runs whose claimed steps a restart gives back; a scan, a done step or a released one is not among them.</summary>
    [Fact]
    public async Task Ledger_PipelineRunsWithOpenSteps_AreThoseWithAClaimNotDone_OldestFirst()
    {
        var store = NewStorage();
        var ledger = store.Ledger;
        await store.Writer.BeginRunAsync(Run("audit-2", Night.AddDays(1), 2), Fleet(2), new RunBatches(1, 2), Token);
        await store.Writer.BeginRunAsync(Run("audit-1", Night, 2), Fleet(2), new RunBatches(1, 2), Token);
        await store.Writer.BeginRunAsync(Run("scan-1", Night, 2), Fleet(2), null, Token);
        Assert.Empty(await ledger.PipelineRunsWithOpenStepsAsync(Token));

        await ledger.CompleteStepAsync("audit-1", "report", "j1", Night.AddHours(1), Token);
        await ledger.ClaimStepAsync("audit-1", "mail", "j2", Token);
        await ledger.ClaimStepAsync("audit-2", "batch-0001", "j3", Token);
        await ledger.ClaimStepAsync("scan-1", "mail", "cli", Token);
        Assert.Equal(["audit-1", "audit-2"], (await ledger.PipelineRunsWithOpenStepsAsync(Token)).Select(r => r.RunId));

        await ledger.CompleteStepAsync("audit-2", "batch-0001", "j3", Night.AddDays(1), Token);
        await ledger.ReleaseStepAsync("audit-1", "mail", "j2", Token);
        Assert.Empty(await ledger.PipelineRunsWithOpenStepsAsync(Token));
    }
}
