using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Storage;
using Microsoft.Extensions.Time.Testing;
using static ExchangeSmtpFleet.Core.Tests.Auditing.AuditFakes;

namespace ExchangeSmtpFleet.Core.Tests.Auditing;

/// <summary>The workflow's steps over in-memory storage roles and a list of queued jobs: in order, out of order, again.</summary>
public sealed class AuditWorkflowTests
{
    private const string Inventory = "/etc/esfleet/inventory.csv";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private sealed class Harness
    {
        public MemoryStore Store { get; } = new();

        public FakePublisher Publisher { get; } = new();

        public ListJobQueue Queue { get; } = new();

        public FakeTimeProvider Time { get; } = new(Now);

        public InstantFleet Fleet { get; } = new();

        public Inventories Inventories { get; } = new();

        public bool MailAfterReport { get; init; }

        public AuditWorkflow Workflow => AuditFakes.Workflow(
            Fleet, Store, Publisher, Queue, Time,
            new AuditWorkflowOptions { ToolVersion = "9.9.9-test", BatchConcurrency = 4, MailAfterReport = MailAfterReport, StaleAfter = TimeSpan.FromHours(20) },
            Inventories);

        public static Harness With(int hosts, bool mail = false)
        {
            var harness = new Harness { MailAfterReport = mail };
            harness.Inventories.Add(Inventory, Fleet(hosts));
            return harness;
        }

        /// <summary>The nightly start job <paramref name="jobId"/>: its run id is derived from the job.</summary>
        public Task<RunStart> StartJobAsync(string jobId, int batchSize = 4) => Workflow.BeginRunAsync(
            new RunRequest(RunKind.Audit, Inventory, 4) { RunId = AuditWorkflow.RunIdFor(jobId, Now), BatchSize = batchSize, Owner = jobId }, Token);

        /// <summary>Runs every queued batch job once, in the order given (default: as queued), each as a job of its own.</summary>
        public async Task<List<string>> RunBatchesAsync(IEnumerable<int>? order = null)
        {
            var lines = new List<string>();
            var batches = Queue.Batches.ToList();
            foreach (var index in order ?? Enumerable.Range(0, batches.Count))
            {
                lines.Add(await Workflow.ProbeBatchAsync(batches[index], $"b{index}", Token));
            }

            return lines;
        }
    }

    [Fact]
    public async Task Foreground_BeginProbeFinishReportMail_InOrder()
    {
        var h = Harness.With(6);
        var workflow = h.Workflow;

        var start = await workflow.BeginRunAsync(new RunRequest(RunKind.Audit, Inventory, 4) { Owner = "cli" }, Token);
        var report = await workflow.ProbeHostsAsync(new ProbeRequest(start.RunId, start.StartedAt, start.Inventory.Hosts, 4), Token);
        var finished = await workflow.FinishRunAsync(start.RunId, report.Status, Token);
        var path = await workflow.WriteReportAsync(start.RunId, null, Token);
        var mail = await workflow.MailReportAsync(start.RunId, path, "cli", MailTrigger.Command, Token);

        Assert.Matches(@"^audit-\d{8}T\d{6}Z-[0-9a-f]{6}$", start.RunId);
        Assert.Equal(AuditRunStatus.Completed, finished.Status);
        Assert.Equal(6, h.Store.ResultsOf(start.RunId).Count);
        Assert.Equal([$"/reports/{start.RunId}.xlsx"], h.Publisher.Written);
        Assert.Equal(MailOutcomeKind.Sent, mail.Kind);
        Assert.Equal([start.RunId], h.Publisher.Sent);
        Assert.Empty(h.Queue.Batches);
    }

    [Fact]
    public async Task Foreground_Audit_WhileAnotherAuditRuns_IsRefusedNamingIt()
    {
        var h = Harness.With(4);
        var first = await h.Workflow.BeginRunAsync(new RunRequest(RunKind.Audit, Inventory, 4), Token);
        h.Time.Advance(TimeSpan.FromMinutes(3));

        var second = await h.Workflow.BeginRunAsync(new RunRequest(RunKind.Audit, Inventory, 4), Token);

        Assert.False(second.Began);
        Assert.Equal(first.RunId, second.RefusedBy);
        Assert.Contains($"audit {first.RunId} is still running (0 of 4 hosts done", second.Line, StringComparison.Ordinal);
        Assert.Null(await h.Store.FindRunAsync(second.RunId, Token));
    }

    [Fact]
    public async Task Begin_AScanWhileAnAuditRuns_Begins_AndAnAuditAfterTheFirstFinished_Begins()
    {
        var h = Harness.With(4);
        var audit = await h.Workflow.BeginRunAsync(new RunRequest(RunKind.Audit, Inventory, 4), Token);

        var scan = await h.Workflow.BeginRunAsync(new RunRequest(RunKind.Scan, Inventory, 4), Token);
        await h.Workflow.FinishRunAsync(audit.RunId, AuditRunStatus.Interrupted, Token);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        var next = await h.Workflow.BeginRunAsync(new RunRequest(RunKind.Audit, Inventory, 4), Token);

        Assert.True(scan.Began);
        Assert.StartsWith("scan-", scan.RunId, StringComparison.Ordinal);
        Assert.True(next.Began);
    }

    [Fact]
    public async Task Begin_AHolderThatRanLongerThanStaleAfter_NoLongerBlocks()
    {
        var h = Harness.With(4);
        await h.Workflow.BeginRunAsync(new RunRequest(RunKind.Audit, Inventory, 4), Token);
        h.Time.Advance(TimeSpan.FromHours(21));

        Assert.True((await h.Workflow.BeginRunAsync(new RunRequest(RunKind.Audit, Inventory, 4), Token)).Began);
    }

    [Fact]
    public async Task Begin_UnusableInventory_IsAnAuditExceptionNamingTheFile_AndTakesNoLock()
    {
        var h = Harness.With(4);

        var error = await Assert.ThrowsAsync<AuditException>(() => h.Workflow.BeginRunAsync(new RunRequest(RunKind.Audit, "/missing.csv", 4), Token));

        Assert.Contains("/missing.csv: unusable inventory: file not found", error.Message, StringComparison.Ordinal);
        Assert.True((await h.Workflow.BeginRunAsync(new RunRequest(RunKind.Audit, Inventory, 4), Token)).Began);
    }

    [Fact]
    public async Task Jobs_InOrder_TheLastBatchFinishesTheRunAndQueuesTheReport_TheReportQueuesTheMail()
    {
        var h = Harness.With(10, mail: true);

        var start = await h.StartJobAsync("j1", batchSize: 4);
        var lines = await h.RunBatchesAsync();
        var report = await h.Workflow.WriteRunReportAsync(start.RunId, "label", "r1", Token);
        var mail = await h.Workflow.MailRunReportAsync(start.RunId, "m1", Token);

        Assert.True(start.Began);
        Assert.Equal(3, h.Queue.Batches.Count);
        Assert.Equal([4, 4, 4], h.Queue.Batches.Select(b => b.Size));
        Assert.EndsWith("run Completed; report queued", lines[^1], StringComparison.Ordinal);
        Assert.DoesNotContain("report queued", lines[0], StringComparison.Ordinal);
        Assert.Equal([start.RunId], h.Queue.Reports);
        Assert.Equal(AuditRunStatus.Completed, h.Store.StatusOf(start.RunId));
        Assert.StartsWith($"report of {start.RunId}: /reports/", report, StringComparison.Ordinal);
        Assert.Equal([start.RunId], h.Queue.Mails);
        Assert.StartsWith($"report of {start.RunId} mailed to boss@corp.example", mail, StringComparison.Ordinal);
        var steps = (await h.Store.StepsAsync(start.RunId, Token)).Select(s => s.Step);
        Assert.Equal([RunSteps.Batch(1), RunSteps.Batch(2), RunSteps.Batch(3), RunSteps.Begin, RunSteps.Finish, RunSteps.Mail, RunSteps.Report], steps);
    }

    [Fact]
    public async Task Jobs_BatchesOutOfOrder_FinishTheRunOnce_WhicheverEndsLast()
    {
        var h = Harness.With(10);
        var start = await h.StartJobAsync("j1", batchSize: 3);

        var lines = await h.RunBatchesAsync([3, 1, 0, 2]);

        Assert.Equal(10, h.Store.ResultsOf(start.RunId).Count);
        Assert.Single(h.Queue.Reports);
        Assert.Single(lines, l => l.EndsWith("report queued", StringComparison.Ordinal));
        Assert.EndsWith("report queued", lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Jobs_TheStartJobRunAgain_QueuesNothingTwice()
    {
        var h = Harness.With(8);

        await h.StartJobAsync("j1", batchSize: 4);
        var again = await h.StartJobAsync("j1", batchSize: 4);

        Assert.Equal(2, h.Queue.Batches.Count);
        Assert.Contains("was begun before", again.Line, StringComparison.Ordinal);
        Assert.Equal(1, h.Inventories.Reads);
    }

    [Fact]
    public async Task Jobs_ASecondStartWhileTheFirstRuns_IsSkippedAndQueuesNothing()
    {
        var h = Harness.With(8);
        var first = await h.StartJobAsync("j1");
        h.Time.Advance(TimeSpan.FromMinutes(1));

        var second = await h.StartJobAsync("j2");

        Assert.False(second.Began);
        Assert.Equal(first.RunId, second.RefusedBy);
        Assert.Contains("0 of 2 batches done", second.Line, StringComparison.Ordinal);
        Assert.Equal(2, h.Queue.Batches.Count);
    }

    [Fact]
    public async Task Jobs_ABatchRetriedAfterItsStoreFailedHalfway_ProbesOnlyWhatItLacks_OneResultPerHost()
    {
        var h = Harness.With(600);
        var start = await h.StartJobAsync("j1", batchSize: 600);
        h.Store.FailAfterResults = 100;

        await Assert.ThrowsAsync<AuditSinkException>(() => h.Workflow.ProbeBatchAsync(h.Queue.Batches[0], "b0", Token));
        var stored = h.Store.ResultsWritten;
        h.Store.FailAfterResults = int.MaxValue;
        h.Fleet.Probed.Clear();
        var line = await h.Workflow.ProbeBatchAsync(h.Queue.Batches[0], "b0", Token);

        Assert.InRange(stored, 1, 100);
        Assert.Equal(600 - stored, h.Fleet.Probed.Count);
        Assert.Equal(600, h.Store.ResultsOf(start.RunId).Count);
        Assert.Contains($"{stored} stored by an earlier attempt", line, StringComparison.Ordinal);
        Assert.Single(h.Queue.Reports);
    }

    [Fact]
    public async Task Jobs_ABatchRunTwice_ProbesNothingTheSecondTime_AndQueuesTheReportOnce()
    {
        var h = Harness.With(4);
        await h.StartJobAsync("j1", batchSize: 4);

        await h.RunBatchesAsync();
        h.Fleet.Probed.Clear();
        var again = await h.Workflow.ProbeBatchAsync(h.Queue.Batches[0], "b0-again", Token);

        Assert.Empty(h.Fleet.Probed);
        Assert.Contains("is Completed: batch 1 has nothing to do", again, StringComparison.Ordinal);
        Assert.Single(h.Queue.Reports);
    }

    [Fact]
    public async Task Jobs_ReportAndMailRunTwice_WriteAndSendOnce()
    {
        var h = Harness.With(4, mail: true);
        var start = await h.StartJobAsync("j1");
        await h.RunBatchesAsync();

        await h.Workflow.WriteRunReportAsync(start.RunId, "label", "r1", Token);
        var second = await h.Workflow.WriteRunReportAsync(start.RunId, "label", "r2", Token);
        await h.Workflow.MailRunReportAsync(start.RunId, "m1", Token);
        var secondMail = await h.Workflow.MailRunReportAsync(start.RunId, "m2", Token);

        Assert.Single(h.Publisher.Written);
        Assert.Equal($"the report of {start.RunId} was written before", second);
        Assert.Single(h.Publisher.Sent);
        Assert.Contains("was mailed at", secondMail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mail_RelayRefuses_IsNotRecorded_TheJobFails_AndTheNextAttemptSends()
    {
        var h = Harness.With(2);
        var start = await h.Workflow.BeginRunAsync(new RunRequest(RunKind.Audit, Inventory, 4), Token);
        h.Publisher.Refusal = "550 mailbox unavailable";

        var error = await Assert.ThrowsAsync<AuditException>(() => h.Workflow.MailRunReportAsync(start.RunId, "m1", Token));
        var byCommand = await h.Workflow.MailReportAsync(start.RunId, "/x.xlsx", "cli", MailTrigger.Command, Token);
        h.Publisher.Refusal = null;
        var retry = await h.Workflow.MailReportAsync(start.RunId, "/x.xlsx", "cli", MailTrigger.Command, Token);

        Assert.Contains("550 mailbox unavailable", error.Message, StringComparison.Ordinal);
        Assert.Equal(MailOutcomeKind.Failed, byCommand.Kind);
        Assert.Equal(MailOutcomeKind.Sent, retry.Kind);
        Assert.Single(h.Publisher.Sent);
    }

    [Fact]
    public async Task Mail_WhileAnotherOwnerHoldsTheStep_IsBusy_AndResendSendsAnyway()
    {
        var h = Harness.With(2);
        var start = await h.Workflow.BeginRunAsync(new RunRequest(RunKind.Audit, Inventory, 4), Token);
        await h.Store.ClaimStepAsync(start.RunId, RunSteps.Mail, "other-process", Token);

        var busy = await h.Workflow.MailReportAsync(start.RunId, "/x.xlsx", "cli", MailTrigger.Command, Token);
        var resent = await h.Workflow.MailReportAsync(start.RunId, "/x.xlsx", "cli", MailTrigger.Resend, Token);

        Assert.Equal((MailOutcomeKind.Busy, "other-process"), (busy.Kind, busy.Detail));
        Assert.Equal(MailOutcomeKind.Sent, resent.Kind);
    }

    [Fact]
    public async Task Mail_TheAuditsOwnStep_FollowsMailWhen_RecordsNothing_AndAPersonMayStillSendIt()
    {
        var h = Harness.With(2);
        var start = await h.Workflow.BeginRunAsync(new RunRequest(RunKind.Audit, Inventory, 4), Token);
        h.Publisher.PolicyRefusal = "Mail:When is Findings and no Exchange server needs action and no host has a new problem";

        var line = await h.Workflow.MailRunReportAsync(start.RunId, "m1", Token);
        var again = await h.Workflow.MailRunReportAsync(start.RunId, "m2", Token);
        var mailedBefore = await h.Store.MailedAtAsync(start.RunId, Token);
        var byPerson = await h.Workflow.MailReportAsync(start.RunId, "/x.xlsx", "cli", MailTrigger.Command, Token);

        Assert.Equal($"report of {start.RunId} not mailed: Mail:When is Findings and no Exchange server needs action and no host has a new problem", line);
        Assert.Equal(line, again);
        Assert.Null(mailedBefore);
        Assert.Equal(MailOutcomeKind.Sent, byPerson.Kind);
        Assert.Equal([start.RunId], h.Publisher.Sent);
    }

    [Fact]
    public async Task Mail_NotConfigured_SendsNothingAndClaimsNothing()
    {
        var h = new Harness();
        h.Inventories.Add(Inventory, Fleet(2));
        var workflow = AuditFakes.Workflow(h.Fleet, h.Store, new FakePublisher { CanMail = false }, h.Queue, h.Time, inventory: h.Inventories);
        var start = await workflow.BeginRunAsync(new RunRequest(RunKind.Audit, Inventory, 4), Token);

        var outcome = await workflow.MailReportAsync(start.RunId, "/x.xlsx", "cli", MailTrigger.Command, Token);

        Assert.Equal(MailOutcomeKind.NotConfigured, outcome.Kind);
        Assert.Empty(await h.Store.StepsAsync(start.RunId, Token));
    }

    [Fact]
    public async Task Finish_HostsWithoutAResult_MakeARunThatWasToCompleteFailed_AndAFinishedRunStaysAsItIs()
    {
        var h = Harness.With(5);
        var start = await h.Workflow.BeginRunAsync(new RunRequest(RunKind.Audit, Inventory, 4), Token);
        await h.Workflow.ProbeHostsAsync(new ProbeRequest(start.RunId, start.StartedAt, start.Inventory.Hosts.Take(3).ToList(), 4), Token);

        var finished = await h.Workflow.FinishRunAsync(start.RunId, AuditRunStatus.Completed, Token);
        var again = await h.Workflow.FinishRunAsync(start.RunId, AuditRunStatus.Completed, Token);

        Assert.Equal((AuditRunStatus.Failed, 2, "h4.example:25"), (finished.Status, finished.HostsWithoutResult, finished.FirstWithoutResult));
        Assert.Equal(AuditRunStatus.Failed, again.Status);
        await Assert.ThrowsAsync<AuditException>(() => h.Workflow.FinishRunAsync("audit-none", AuditRunStatus.Completed, Token));
    }

    [Fact]
    public async Task Resume_QueuesTheBatchesNotDone_AndFinishesARunWhoseBatchesAreAllDone()
    {
        var h = Harness.With(8);
        var first = await h.StartJobAsync("j1", batchSize: 4);
        await h.Workflow.ProbeBatchAsync(h.Queue.Batches[0], "b0", Token);
        h.Queue.Batches.Clear();

        var lines = await h.Workflow.ResumeAsync(Token);
        await h.RunBatchesAsync();

        Assert.Equal([$"run {first.RunId}: 1 of 2 batches queued again"], lines);
        Assert.Equal(AuditRunStatus.Completed, h.Store.StatusOf(first.RunId));
        Assert.Single(h.Queue.Reports);
        h.Queue.Reports.Clear();

        // A crash after the last batch but before its finish step: the resume finishes the run and queues the report.
        var second = Harness.With(4);
        var run = await second.StartJobAsync("j9", batchSize: 4);
        await second.Store.CompleteStepAsync(run.RunId, RunSteps.Batch(1), "b0", Now, Token);
        var resumed = await second.Workflow.ResumeAsync(Token);
        Assert.Equal([$"run {run.RunId}: every batch done; run Failed (4 hosts have no result, first h1.example:25); report queued"], resumed);
        Assert.Equal([run.RunId], second.Queue.Reports);
    }

    /// <summary>
    /// Issue 18, item 17: the process died while its mail job talked to the relay. The restart gives the mail step back and
    /// queues the mail at once; a new job sends it (without the resume it would find the step taken by the dead job).
    /// </summary>
    [Fact]
    public async Task Resume_AMailClaimedByAJobThatDied_IsReleasedAndQueuedAgain_AndSentOnce()
    {
        var h = Harness.With(4, mail: true);
        var run = await h.StartJobAsync("j1", batchSize: 4);
        await h.RunBatchesAsync();
        await h.Workflow.WriteRunReportAsync(run.RunId, "label", "r1", Token);
        Assert.Single(h.Queue.Mails);
        h.Queue.Mails.Clear();
        Assert.Equal(StepClaimKind.Claimed, (await h.Store.ClaimStepAsync(run.RunId, RunSteps.Mail, "m1", Token)).Kind);

        var lines = await h.Workflow.ResumeAsync(Token);
        var sent = await h.Workflow.MailRunReportAsync(run.RunId, "m2", Token);
        var again = await h.Workflow.ResumeAsync(Token);

        Assert.Equal([$"run {run.RunId}: its mail, claimed by job m1 that is gone, queued again"], lines);
        Assert.Equal([run.RunId], h.Queue.Mails);
        Assert.StartsWith($"report of {run.RunId} mailed to ", sent, StringComparison.Ordinal);
        Assert.Equal([run.RunId], h.Publisher.Sent);
        Assert.Empty(again);
    }

    /// <summary>
    /// Issue 18, item 13: the batches of last night's run were deleted in the dashboard, so nothing would ever finish it. The
    /// next audit notices it, ends it Failed with what it stored, and starts instead of being skipped for StaleAfterHours.
    /// </summary>
    [Fact]
    public async Task Begin_TheRunningRunHasNoJobLeft_IsEndedFailed_AndTheNewAuditStarts()
    {
        var h = Harness.With(8);
        var first = await h.StartJobAsync("j1", batchSize: 4);
        await h.Workflow.ProbeBatchAsync(h.Queue.Batches[0], "b0", Token);

        // Its other batch is still queued: the next audit is skipped, as before.
        h.Time.Advance(TimeSpan.FromHours(2));
        var skipped = await h.StartJobAsync("j2", batchSize: 4);
        Assert.Equal(first.RunId, skipped.RefusedBy);

        h.Queue.Deleted.Add(first.RunId);
        h.Queue.Batches.Clear();
        var started = await h.StartJobAsync("j3", batchSize: 4);

        Assert.Null(started.RefusedBy);
        Assert.StartsWith(
            $"run {first.RunId} had no job left (1 of 2 batches done; the others were deleted or failed for good): ended Failed, 4 hosts without a result; run {started.RunId}: 8 hosts in 2 batches",
            started.Line, StringComparison.Ordinal);
        Assert.Equal(AuditRunStatus.Failed, h.Store.StatusOf(first.RunId));
        Assert.Equal([started.RunId, started.RunId], h.Queue.Batches.Select(b => b.RunId));
        Assert.Empty(h.Queue.Reports);
    }

    /// <summary>Issue 18, item 13: a run whose every batch is done but whose last job was deleted before it finished the run is finished and reported.</summary>
    [Fact]
    public async Task Begin_TheRunningRunHasNoJobLeftButEveryBatchDone_IsFinishedAndReported()
    {
        var h = Harness.With(4);
        var first = await h.StartJobAsync("j1", batchSize: 4);
        await h.Store.CompleteStepAsync(first.RunId, RunSteps.Batch(1), "b0", Now, Token);
        h.Queue.Deleted.Add(first.RunId);

        h.Time.Advance(TimeSpan.FromHours(2));
        var started = await h.StartJobAsync("j2", batchSize: 4);

        Assert.Null(started.RefusedBy);
        Assert.StartsWith($"run {first.RunId} had no job left with every batch done: run Failed (4 hosts have no result", started.Line, StringComparison.Ordinal);
        Assert.Equal([first.RunId], h.Queue.Reports);
    }
}
