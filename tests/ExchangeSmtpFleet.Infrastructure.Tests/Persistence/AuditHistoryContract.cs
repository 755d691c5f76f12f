using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Storage;
using static ExchangeSmtpFleet.Infrastructure.Tests.Persistence.Outcomes;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Persistence;

/// <summary>What every dialect's history reads must return: runs, results, history, lacking keywords, changes. One suite, a subclass per dialect.</summary>
public abstract class AuditHistoryContract : StorageContract
{
    [Fact]
    public async Task Run_IsListedWithCountsStatusAndExactTimes()
    {
        var store = NewStorage();
        var started = new DateTimeOffset(2026, 11, 30, 2, 0, 0, 123, TimeSpan.Zero).AddTicks(4567);

        await StoreRunAsync(store, "scan-a", started, [Verdict.Healthy, Verdict.Healthy, Verdict.MissingSinks, Verdict.Unreachable]);

        var run = Assert.Single(await store.History.ListRunsAsync(10, Token));
        Assert.Equal("scan-a", run.RunId);
        Assert.Equal(Stored(started), run.StartedAt);
        Assert.Equal(Stored(started.AddMinutes(5)), run.FinishedAt);
        Assert.Equal(AuditRunStatus.Completed, run.Status);
        Assert.Equal(4, run.HostCount);
        Assert.Equal("9.9.9-test", run.ToolVersion);
        Assert.Equal(2, run.Counts.Single(c => c.Key == Verdict.Healthy).Value);
        Assert.Equal(1, run.Counts.Single(c => c.Key == Verdict.MissingSinks).Value);
        Assert.Equal(4, run.Results);
        var latest = await store.History.FindRunAsync("latest", Token);
        Assert.Equal((run.RunId, run.StartedAt, run.Status), (latest!.RunId, latest.StartedAt, latest.Status));
        Assert.Equal(run.Counts, latest.Counts);
        Assert.Null(await store.History.FindRunAsync("scan-nope", Token));
    }

    [Fact]
    public async Task History_ShowsEveryRunsVerdictNewestFirst()
    {
        var store = NewStorage();
        await StoreRunAsync(store, "scan-1", Night, [Verdict.Healthy, Verdict.Healthy]);
        await StoreRunAsync(store, "scan-2", Night.AddDays(1), [Verdict.MissingSinks, Verdict.Healthy]);

        var history = await store.History.HistoryAsync(Host(1).Key, 10, Token);

        Assert.Equal(["scan-2", "scan-1"], history.Select(h => h.RunId));
        Assert.Equal([Verdict.MissingSinks, Verdict.Healthy], history.Select(h => h.Verdict));
        Assert.Equal(Reason.ExchangeKeywordsAbsent, history[0].Reason);
        Assert.Equal(["X-EXPS", "X-EXPS=LOGIN", "X-LINK2STATE", "XEXCH50"], history[0].Missing);
        Assert.Empty(history[1].Missing);
    }

    [Fact]
    public async Task Lacking_ListsExactlyTheHostsThatAnsweredWithoutTheKeyword()
    {
        var store = NewStorage();
        await StoreRunAsync(store, "scan-1", Night, [Verdict.Healthy, Verdict.MissingSinks, Verdict.SuspectedMetabaseCorruption, Verdict.Unreachable]);

        var lacking = await store.History.LackingAsync("scan-1", "xexch50", Token);
        var lackingSize = await store.History.LackingAsync("scan-1", "SIZE", Token);

        Assert.Equal([Host(2).Key, Host(3).Key], lacking.Select(l => l.HostKey));
        Assert.Equal("EXCH02", lacking[0].Name);
        Assert.Equal(Verdict.MissingSinks, lacking[0].Verdict);
        Assert.Empty(lackingSize);
    }

    [Fact]
    public async Task Changes_NameEveryKindOfMove()
    {
        var store = NewStorage();
        await StoreRunAsync(store, "scan-1", Night,
            [Verdict.Healthy, Verdict.MissingSinks, Verdict.MissingSinks, Verdict.Unreachable, Verdict.Healthy]);
        await StoreRunAsync(store, "scan-2", Night.AddDays(1),
            [Verdict.MissingSinks, Verdict.Healthy, Verdict.MissingSinks, Verdict.SuspectedMetabaseCorruption, Verdict.Healthy, Verdict.Healthy]);

        var changes = await store.History.ChangesAsync("scan-2", null, Token);

        Assert.Equal("scan-1", changes.SinceRunId);
        Assert.Equal(
            [(Host(1).Key, ChangeKind.NewProblem), (Host(2).Key, ChangeKind.Recovered), (Host(4).Key, ChangeKind.VerdictChanged),
             (Host(3).Key, ChangeKind.StillFailing), (Host(6).Key, ChangeKind.Added)],
            changes.Changes.Select(c => (c.HostKey, c.Kind)));
        var reverse = await store.History.ChangesAsync("scan-1", "scan-2", Token);
        Assert.Contains(reverse.Changes, c => c.HostKey == Host(6).Key && c.Kind == ChangeKind.Removed);
    }

    /// <summary>Issue 18, item 6: an interrupted or failed run is never the baseline of the changes.</summary>
    [Fact]
    public async Task Changes_AreAgainstTheLatestCompletedRun_NotAnInterruptedOrFailedOne()
    {
        var store = NewStorage();
        await StoreRunAsync(store, "scan-1", Night, [Verdict.Healthy, Verdict.Healthy]);
        await StoreRunAsync(store, "scan-2", Night.AddDays(1), [Verdict.Healthy], status: AuditRunStatus.Interrupted);
        await StoreRunAsync(store, "scan-3", Night.AddDays(2), [Verdict.Healthy], status: AuditRunStatus.Failed);
        await StoreRunAsync(store, "scan-4", Night.AddDays(3), [Verdict.Healthy, Verdict.MissingSinks]);

        var changes = await store.History.ChangesAsync("scan-4", null, Token);

        Assert.Equal("scan-1", changes.SinceRunId);
        var change = Assert.Single(changes.Changes);
        Assert.Equal((Host(2).Key, ChangeKind.NewProblem), (change.HostKey, change.Kind));
    }

    [Fact]
    public async Task HostKeysNamed_FindsTheHostsOfAnInventoryName_WhateverItsCase()
    {
        var store = NewStorage();
        await StoreRunAsync(store, "scan-1", Night, [Verdict.Healthy, Verdict.Healthy]);

        Assert.Equal([Host(2).Key], await store.History.HostKeysNamedAsync("exch02", Token));
        Assert.Empty(await store.History.HostKeysNamedAsync("exch99", Token));
    }

    [Fact]
    public async Task Changes_FirstRun_HasNoEarlierRun()
    {
        var store = NewStorage();
        await StoreRunAsync(store, "scan-1", Night, [Verdict.Healthy]);

        var changes = await store.History.ChangesAsync("scan-1", null, Token);

        Assert.Null(changes.SinceRunId);
        Assert.Equal(ChangeKind.Added, Assert.Single(changes.Changes).Kind);
    }

    [Fact]
    public async Task ReadResults_StreamsTheRunInInventoryOrderWithPreviousVerdictAndStreakStart()
    {
        var store = NewStorage();
        await StoreRunAsync(store, "scan-1", Night, [Verdict.Healthy, Verdict.Healthy, Verdict.MissingSinks]);
        await StoreRunAsync(store, "scan-2", Night.AddDays(1), [Verdict.MissingSinks, Verdict.Healthy, Verdict.MissingSinks]);
        await StoreRunAsync(store, "scan-3", Night.AddDays(2), [Verdict.MissingSinks, Verdict.Healthy, Verdict.Healthy]);

        var results = new List<StoredResult>();
        await foreach (var result in store.History.ReadResultsAsync("scan-3", Token))
        {
            results.Add(result);
        }

        Assert.Equal([Host(1).Key, Host(2).Key, Host(3).Key], results.Select(r => r.HostKey));
        Assert.Equal("EXCH01", results[0].Name);
        Assert.Equal("Berlin", results[0].Site);
        Assert.Equal((Verdict.MissingSinks, Verdict.MissingSinks, Night.AddDays(1)), (results[0].Verdict, results[0].PreviousVerdict!.Value, results[0].VerdictSince!.Value));
        Assert.Equal((Verdict.Healthy, Verdict.Healthy, Night), (results[1].Verdict, results[1].PreviousVerdict!.Value, results[1].VerdictSince!.Value));
        Assert.Equal((Verdict.Healthy, Verdict.MissingSinks, Night.AddDays(2)), (results[2].Verdict, results[2].PreviousVerdict!.Value, results[2].VerdictSince!.Value));
        Assert.Equal(["X-EXPS", "X-EXPS=LOGIN", "X-LINK2STATE", "XEXCH50"], results[0].Missing);
    }

    [Fact]
    public async Task ReadResults_FirstRun_HasNoPreviousVerdictAndStartsItsStreak()
    {
        var store = NewStorage();
        await StoreRunAsync(store, "scan-1", Night, [Verdict.Unreachable]);

        await foreach (var result in store.History.ReadResultsAsync("scan-1", Token))
        {
            Assert.Null(result.PreviousVerdict);
            Assert.Equal(Night, result.VerdictSince);
            Assert.Equal(Reason.ConnectionRefused, result.Reason);
        }
    }

    [Fact]
    public async Task LatestCompletedRun_SkipsNewerRunsThatDidNotComplete()
    {
        var store = NewStorage();
        await store.Maintenance.MigrateAsync(Token);
        Assert.Null(await store.History.LatestCompletedRunAsync(Token));

        await StoreRunAsync(store, "scan-1", Night, [Verdict.Healthy, Verdict.MissingSinks]);
        await StoreRunAsync(store, "scan-2", Night.AddDays(1), [Verdict.Healthy], status: AuditRunStatus.Running);
        await StoreRunAsync(store, "scan-3", Night.AddDays(2), [Verdict.Healthy], status: AuditRunStatus.Failed);

        var completed = await store.History.LatestCompletedRunAsync(Token);
        Assert.Equal("scan-1", completed!.RunId);
        Assert.Equal(2, completed.Results);
    }
}
