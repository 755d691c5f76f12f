using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Probing;
using ExchangeSmtpFleet.Core.Storage;
using static ExchangeSmtpFleet.Infrastructure.Tests.Persistence.Outcomes;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Persistence;

/// <summary>What every store must do, whatever its database: one suite, a subclass per provider.</summary>
public abstract class AuditStoreContract
{
    /// <summary>A store on an empty database of its own.</summary>
    protected abstract IAuditStore NewStore();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>Stores a run (see <see cref="Outcomes.StoreRunAsync"/>).</summary>
    protected static Task StoreRunAsync(IAuditStore store, string runId, DateTimeOffset started, Verdict[] verdicts, int batches = 1, AuditRunStatus status = AuditRunStatus.Completed) =>
        Outcomes.StoreRunAsync(store, runId, started, verdicts, batches, status);

    [Fact]
    public async Task Migrate_Twice_ChangesNothing()
    {
        var store = NewStore();

        await store.MigrateAsync(Token);
        await StoreRunAsync(store, "scan-1", Night, [Verdict.Healthy]);
        await store.MigrateAsync(Token);

        Assert.Single(await store.ListRunsAsync(10, Token));
    }

    [Fact]
    public async Task Run_IsListedWithCountsStatusAndExactTimes()
    {
        var store = NewStore();
        var started = new DateTimeOffset(2026, 11, 30, 2, 0, 0, 123, TimeSpan.Zero).AddTicks(4567);

        await StoreRunAsync(store, "scan-a", started, [Verdict.Healthy, Verdict.Healthy, Verdict.MissingSinks, Verdict.Unreachable]);

        var run = Assert.Single(await store.ListRunsAsync(10, Token));
        Assert.Equal("scan-a", run.RunId);
        Assert.Equal(started, run.StartedAt);
        Assert.Equal(started.AddMinutes(5), run.FinishedAt);
        Assert.Equal(AuditRunStatus.Completed, run.Status);
        Assert.Equal(4, run.HostCount);
        Assert.Equal("9.9.9-test", run.ToolVersion);
        Assert.Equal(2, run.Counts.Single(c => c.Key == Verdict.Healthy).Value);
        Assert.Equal(1, run.Counts.Single(c => c.Key == Verdict.MissingSinks).Value);
        Assert.Equal(4, run.Results);
        var latest = await store.FindRunAsync("latest", Token);
        Assert.Equal((run.RunId, run.StartedAt, run.Status), (latest!.RunId, latest.StartedAt, latest.Status));
        Assert.Equal(run.Counts, latest.Counts);
        Assert.Null(await store.FindRunAsync("scan-nope", Token));
    }

    [Fact]
    public async Task Write_SameBatchTwice_KeepsOneResultPerHost()
    {
        var store = NewStore();
        var inventory = Fleet(3);
        var run = Run("scan-retry", Night, 3);
        var outcomes = inventory.Hosts.Select(h => Outcome(h, Verdict.SuspectedMetabaseCorruption, Night)).ToList();
        var sink = store.CreateSink(inventory);
        await sink.OpenAsync(run, Token);

        await sink.WriteAsync(outcomes, Token);
        await sink.WriteAsync(outcomes, Token);
        await ((IAsyncDisposable)sink).DisposeAsync();

        var found = await store.FindRunAsync("scan-retry", Token);
        Assert.Equal(3, found!.Results);
        Assert.Equal(3, (await store.LackingAsync("scan-retry", "XEXCH50", Token)).Count);
        Assert.Empty(await store.HostsWithoutResultAsync("scan-retry", Token));
    }

    [Fact]
    public async Task Write_AHostAgain_ReplacesItsFindings_WithFewerOrMore()
    {
        var store = NewStore();
        var inventory = Fleet(1);
        var plain = Outcome(inventory.Hosts[0], Verdict.Healthy, Night);
        Finding[] two = [new(FindingCode.UnexpectedKeywords, FindingSeverity.Info, ["exchange-2003", "X-ONE"]), new(FindingCode.KeywordAnomaly, FindingSeverity.Warning, ["X-TWO", "odd"])];
        HostOutcome With(params Finding[] findings) => plain with { Classification = plain.Classification with { Findings = [.. findings] } };
        var sink = store.CreateSink(inventory);
        var seen = new List<int>();
        try
        {
            await sink.OpenAsync(Run("scan-findings", Night, 1), Token);
            foreach (var findings in new[] { two, [], two, two[..1] })
            {
                await sink.WriteAsync([With(findings)], Token);
                await foreach (var evidence in store.ReadEvidenceAsync("scan-findings", Token))
                {
                    seen.Add(evidence.Findings.Length);
                }
            }
        }
        finally
        {
            await ((IAsyncDisposable)sink).DisposeAsync();
        }

        Assert.Equal([2, 0, 2, 1], seen);
    }

    [Fact]
    public async Task Write_ABatchAgainByASecondSink_KeepsOneResultPerHostWithItsNewKeywordsOnce()
    {
        // A retried job writes its batch through a sink of its own (another process): nothing of the first write may stay twice.
        var store = NewStore();
        var inventory = Fleet(3);
        var run = Run("scan-resumed", Night, 3);
        foreach (var verdict in new[] { Verdict.Healthy, Verdict.SuspectedMetabaseCorruption })
        {
            var sink = store.CreateSink(inventory);
            await sink.OpenAsync(run, Token);
            await sink.WriteAsync([.. inventory.Hosts.Select(h => Outcome(h, verdict, Night))], Token);
            await ((IAsyncDisposable)sink).DisposeAsync();
        }

        Assert.Equal(3, (await store.FindRunAsync("scan-resumed", Token))!.Results);
        Assert.Equal(3, (await store.LackingAsync("scan-resumed", "XEXCH50", Token)).Count);
        var keywords = new List<System.Collections.Immutable.ImmutableArray<string>>();
        await foreach (var (_, list) in store.ReadKeywordsAsync("scan-resumed", Token))
        {
            keywords.Add(list);
        }

        Assert.Equal(3, keywords.Count);
        Assert.All(keywords, k => Assert.Equal(k.Distinct().Count(), k.Length));
        Assert.All(keywords, k => Assert.DoesNotContain("XEXCH50", k));
    }

    [Fact]
    public async Task HostsWithoutResult_NameTheHostsARunStillOwes()
    {
        var store = NewStore();
        var inventory = Fleet(4);
        var sink = store.CreateSink(inventory);
        await sink.OpenAsync(Run("scan-died", Night, 4), Token);
        await sink.WriteAsync([Outcome(inventory.Hosts[1], Verdict.Healthy, Night)], Token);
        await ((IAsyncDisposable)sink).DisposeAsync();

        var owed = await store.HostsWithoutResultAsync("scan-died", Token);

        Assert.Equal([inventory.Hosts[0].Key, inventory.Hosts[2].Key, inventory.Hosts[3].Key], owed);
        Assert.Equal(AuditRunStatus.Running, (await store.FindRunAsync("scan-died", Token))!.Status);
    }

    [Fact]
    public async Task History_ShowsEveryRunsVerdictNewestFirst()
    {
        var store = NewStore();
        await StoreRunAsync(store, "scan-1", Night, [Verdict.Healthy, Verdict.Healthy]);
        await StoreRunAsync(store, "scan-2", Night.AddDays(1), [Verdict.MissingSinks, Verdict.Healthy]);

        var history = await store.HistoryAsync(Host(1).Key, 10, Token);

        Assert.Equal(["scan-2", "scan-1"], history.Select(h => h.RunId));
        Assert.Equal([Verdict.MissingSinks, Verdict.Healthy], history.Select(h => h.Verdict));
        Assert.Equal(Reason.ExchangeKeywordsAbsent, history[0].Reason);
        Assert.Equal(["X-EXPS", "X-EXPS=LOGIN", "X-LINK2STATE", "XEXCH50"], history[0].Missing);
        Assert.Empty(history[1].Missing);
    }

    [Fact]
    public async Task Lacking_ListsExactlyTheHostsThatAnsweredWithoutTheKeyword()
    {
        var store = NewStore();
        await StoreRunAsync(store, "scan-1", Night, [Verdict.Healthy, Verdict.MissingSinks, Verdict.SuspectedMetabaseCorruption, Verdict.Unreachable]);

        var lacking = await store.LackingAsync("scan-1", "xexch50", Token);
        var lackingSize = await store.LackingAsync("scan-1", "SIZE", Token);

        Assert.Equal([Host(2).Key, Host(3).Key], lacking.Select(l => l.HostKey));
        Assert.Equal("EXCH02", lacking[0].Name);
        Assert.Equal(Verdict.MissingSinks, lacking[0].Verdict);
        Assert.Empty(lackingSize);
    }

    [Fact]
    public async Task Changes_NameEveryKindOfMove()
    {
        var store = NewStore();
        await StoreRunAsync(store, "scan-1", Night,
            [Verdict.Healthy, Verdict.MissingSinks, Verdict.MissingSinks, Verdict.Unreachable, Verdict.Healthy]);
        await StoreRunAsync(store, "scan-2", Night.AddDays(1),
            [Verdict.MissingSinks, Verdict.Healthy, Verdict.MissingSinks, Verdict.SuspectedMetabaseCorruption, Verdict.Healthy, Verdict.Healthy]);

        var changes = await store.ChangesAsync("scan-2", null, Token);

        Assert.Equal("scan-1", changes.SinceRunId);
        Assert.Equal(
            [(Host(1).Key, ChangeKind.NewProblem), (Host(2).Key, ChangeKind.Recovered), (Host(4).Key, ChangeKind.VerdictChanged),
             (Host(3).Key, ChangeKind.StillFailing), (Host(6).Key, ChangeKind.Added)],
            changes.Changes.Select(c => (c.HostKey, c.Kind)));
        var reverse = await store.ChangesAsync("scan-1", "scan-2", Token);
        Assert.Contains(reverse.Changes, c => c.HostKey == Host(6).Key && c.Kind == ChangeKind.Removed);
    }

    [Fact]
    public async Task Changes_FirstRun_HasNoEarlierRun()
    {
        var store = NewStore();
        await StoreRunAsync(store, "scan-1", Night, [Verdict.Healthy]);

        var changes = await store.ChangesAsync("scan-1", null, Token);

        Assert.Null(changes.SinceRunId);
        Assert.Equal(ChangeKind.Added, Assert.Single(changes.Changes).Kind);
    }

    [Fact]
    public async Task Prune_DropsOldTranscriptsOnlyAndKeepsVerdicts()
    {
        var store = NewStore();
        await StoreRunAsync(store, "scan-old", Night.AddDays(-40), [Verdict.Healthy, Verdict.MissingSinks]);
        await StoreRunAsync(store, "scan-new", Night, [Verdict.Healthy, Verdict.MissingSinks]);

        var dropped = await store.PruneTranscriptsAsync(Night.AddDays(-30), Token);
        var again = await store.PruneTranscriptsAsync(Night.AddDays(-30), Token);

        Assert.Equal(2, dropped);
        Assert.Equal(0, again);
        Assert.Equal(2, (await store.HistoryAsync(Host(2).Key, 10, Token)).Count);
    }

    [Fact]
    public async Task Mail_IsRecordedOncePerRunAndTheLatestSendWins()
    {
        var store = NewStore();
        await StoreRunAsync(store, "scan-1", Night, [Verdict.Healthy]);

        Assert.Null(await store.MailedAtAsync("scan-1", Token));
        await store.RecordMailedAsync("scan-1", Night.AddHours(1), "boss@corp.example", Token);
        await store.RecordMailedAsync("scan-1", Night.AddHours(2), "boss@corp.example", Token);

        Assert.Equal(Night.AddHours(2), await store.MailedAtAsync("scan-1", Token));
    }

    [Fact]
    public async Task PruneRuns_DeletesOldRunsWithEveryRowAndKeepsTheRest()
    {
        var store = NewStore();
        await StoreRunAsync(store, "scan-old", Night.AddDays(-400), [Verdict.Healthy, Verdict.MissingSinks]);
        await StoreRunAsync(store, "scan-new", Night, [Verdict.Healthy, Verdict.MissingSinks]);

        var deleted = await store.PruneRunsAsync(Night.AddDays(-365), Token);

        Assert.Equal(1, deleted);
        Assert.Equal(["scan-new"], (await store.ListRunsAsync(10, Token)).Select(r => r.RunId));
        Assert.Empty(await store.LackingAsync("scan-old", "XEXCH50", Token));
        Assert.Equal(["scan-new"], (await store.HistoryAsync(Host(2).Key, 10, Token)).Select(h => h.RunId));
        Assert.Equal(0, await store.PruneRunsAsync(Night.AddDays(-365), Token));
    }

    [Fact]
    public async Task ReadResults_StreamsTheRunInInventoryOrderWithPreviousVerdictAndStreakStart()
    {
        var store = NewStore();
        await StoreRunAsync(store, "scan-1", Night, [Verdict.Healthy, Verdict.Healthy, Verdict.MissingSinks]);
        await StoreRunAsync(store, "scan-2", Night.AddDays(1), [Verdict.MissingSinks, Verdict.Healthy, Verdict.MissingSinks]);
        await StoreRunAsync(store, "scan-3", Night.AddDays(2), [Verdict.MissingSinks, Verdict.Healthy, Verdict.Healthy]);

        var results = new List<StoredResult>();
        await foreach (var result in store.ReadResultsAsync("scan-3", Token))
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
        var store = NewStore();
        await StoreRunAsync(store, "scan-1", Night, [Verdict.Unreachable]);

        await foreach (var result in store.ReadResultsAsync("scan-1", Token))
        {
            Assert.Null(result.PreviousVerdict);
            Assert.Equal(Night, result.VerdictSince);
            Assert.Equal(Reason.ConnectionRefused, result.Reason);
        }
    }

    [Fact]
    public async Task Evidence_RoundTripsExactly_NonAsciiText_AnEmptyTranscript_AndMissingTimings()
    {
        var store = NewStore();
        var inventory = Fleet(2);
        var run = Run("scan-evidence", Night, 2);
        var first = Outcome(inventory.Hosts[0], Verdict.Healthy, Night);
        first = first with
        {
            Probe = first.Probe with
            {
                Timings = new ProbeTimings(0.25, null, 3.5, null, 1234.5),
                Transcript =
                [
                    new TranscriptLine(TranscriptDirection.Server, "220 mail1 Grüße, Ünïcode ✓ ready", TimeSpan.FromMilliseconds(1.26)),
                    new TranscriptLine(TranscriptDirection.Client, "EHLO auditor.corp.example", TimeSpan.FromMilliseconds(4)),
                    new TranscriptLine(TranscriptDirection.Note, "closed \\x1B[31m", TimeSpan.FromMilliseconds(1234.56)),
                ],
            },
        };
        var second = Outcome(inventory.Hosts[1], Verdict.Unreachable, Night);
        second = second with { Probe = second.Probe with { Transcript = [], Address = null } };
        var sink = store.CreateSink(inventory);
        try
        {
            await sink.OpenAsync(run, Token);
            await sink.WriteAsync([first, second], Token);
        }
        finally
        {
            await ((IAsyncDisposable)sink).DisposeAsync();
        }

        var evidence = new List<StoredEvidence>();
        await foreach (var e in store.ReadEvidenceAsync("scan-evidence", Token))
        {
            evidence.Add(e);
        }

        Assert.Equal(2, evidence.Count);
        Assert.Equal("1.3 S: 220 mail1 Grüße, Ünïcode ✓ ready\n4.0 C: EHLO auditor.corp.example\n1234.6 *  closed \\x1B[31m", evidence[0].Transcript);
        Assert.Equal((0.25, (double?)null, 3.5, (double?)null, 1234.5), (evidence[0].ConnectMs!.Value, evidence[0].BannerMs, evidence[0].EhloMs!.Value, evidence[0].TlsMs, evidence[0].TotalMs));
        Assert.Equal("10.0.0.1", evidence[0].Address);
        Assert.Equal(string.Empty, evidence[1].Transcript);
        Assert.Null(evidence[1].Address);
        Assert.Equal(1, evidence[1].Attempts);
    }

    [Fact]
    public async Task LatestCompletedRun_SkipsNewerRunsThatDidNotComplete()
    {
        var store = NewStore();
        Assert.Null(await store.LatestCompletedRunAsync(Token));

        await StoreRunAsync(store, "scan-1", Night, [Verdict.Healthy, Verdict.MissingSinks]);
        await StoreRunAsync(store, "scan-2", Night.AddDays(1), [Verdict.Healthy], status: AuditRunStatus.Running);
        await StoreRunAsync(store, "scan-3", Night.AddDays(2), [Verdict.Healthy], status: AuditRunStatus.Failed);

        var completed = await store.LatestCompletedRunAsync(Token);
        Assert.Equal("scan-1", completed!.RunId);
        Assert.Equal(2, completed.Results);
    }

    [Fact]
    public async Task Ledger_AuditLock_IsHeldWhileTheRunRuns_AndFreedWhenItEnds_OrIsStale()
    {
        var store = NewStore();
        var ledger = (IRunLedger)store;
        var staleBefore = Night.AddHours(-20);

        Assert.Equal("audit-a", await ledger.TakeAuditLockAsync("audit-a", Night, staleBefore, Token));
        Assert.Equal("audit-a", await ledger.TakeAuditLockAsync("audit-b", Night.AddMinutes(1), staleBefore, Token));
        await StoreRunAsync(store, "audit-a", Night, [Verdict.Healthy], status: AuditRunStatus.Running);
        Assert.Equal("audit-a", await ledger.TakeAuditLockAsync("audit-b", Night.AddHours(2), staleBefore, Token));
        Assert.Equal("audit-a", await ledger.TakeAuditLockAsync("audit-a", Night.AddHours(2), staleBefore, Token));
        Assert.Equal("audit-b", await ledger.TakeAuditLockAsync("audit-b", Night.AddDays(1), Night.AddHours(1), Token));

        await StoreRunAsync(store, "audit-b", Night.AddDays(1), [Verdict.Healthy], status: AuditRunStatus.Running);
        await ledger.FinishRunAsync("audit-b", AuditRunStatus.Completed, Night.AddDays(1).AddHours(1), Token);
        Assert.Equal("audit-c", await ledger.TakeAuditLockAsync("audit-c", Night.AddDays(1).AddHours(2), staleBefore, Token));
    }

    [Fact]
    public async Task Ledger_AuditLock_OfAStartThatDiedBeforeStoringItsRun_BlocksTenMinutes()
    {
        var ledger = (IRunLedger)NewStore();

        Assert.Equal("audit-ghost", await ledger.TakeAuditLockAsync("audit-ghost", Night, Night.AddHours(-20), Token));
        Assert.Equal("audit-ghost", await ledger.TakeAuditLockAsync("audit-next", Night.AddMinutes(9), Night.AddHours(-20), Token));
        Assert.Equal("audit-next", await ledger.TakeAuditLockAsync("audit-next", Night.AddMinutes(11), Night.AddHours(-20), Token));
    }

    [Fact]
    public async Task Ledger_Steps_BelongToTheFirstJob_UntilDone_OrReleased()
    {
        var store = NewStore();
        var ledger = (IRunLedger)store;
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
        var store = NewStore();
        var ledger = (IRunLedger)store;
        var inventory = Fleet(5);
        var run = Run("audit-1", Night, 5);
        var sink = store.CreateSink(inventory);
        await sink.OpenAsync(run, Token);
        await ((IAsyncDisposable)sink).DisposeAsync();
        await ledger.SetBatchesAsync("audit-1", 2, 3, Token);

        var batch = ledger.CreateBatchSink("audit-1");
        await batch.OpenAsync(run, Token);
        await batch.WriteAsync([Outcome(inventory.Hosts[1], Verdict.Healthy, Night)], Token);
        await batch.CloseAsync(run with { Status = AuditRunStatus.Completed }, new RunSummary { Counts = [] }, Token);
        await ((IAsyncDisposable)batch).DisposeAsync();

        Assert.Equal([inventory.Hosts[0].Key, inventory.Hosts[2].Key], (await ledger.PendingHostsAsync("audit-1", 0, 3, Token)).Select(h => h.Key));
        Assert.Equal([inventory.Hosts[3].Key, inventory.Hosts[4].Key], (await ledger.PendingHostsAsync("audit-1", 3, 3, Token)).Select(h => h.Key));
        var first = (await ledger.PendingHostsAsync("audit-1", 0, 1, Token)).Single();
        var expected = inventory.Hosts[0];
        Assert.Equal(
            (expected.LineNumber, expected.Host, expected.Port, expected.Name, expected.Site, expected.Owner, expected.Profile, string.Join(',', expected.IgnoreVerbs)),
            (first.LineNumber, first.Host, first.Port, first.Name, first.Site, first.Owner, first.Profile, string.Join(',', first.IgnoreVerbs)));
        Assert.Equal(AuditRunStatus.Running, (await store.FindRunAsync("audit-1", Token))!.Status);
        Assert.Equal(new PipelineRun("audit-1", Night, AuditRunStatus.Running, 5, 2, 3), await ledger.PipelineRunAsync("audit-1", Token));
        Assert.Equal(["audit-1"], (await ledger.UnfinishedPipelineRunsAsync(Token)).Select(r => r.RunId));

        await ledger.CompleteStepAsync("audit-1", "report", "j", Night.AddHours(1), Token);
        Assert.Empty(await ledger.UnfinishedPipelineRunsAsync(Token));
        Assert.Null(await ledger.PipelineRunAsync("scan-none", Token));
    }
}
