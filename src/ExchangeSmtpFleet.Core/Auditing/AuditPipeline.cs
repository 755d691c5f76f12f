using System.Globalization;
using ExchangeSmtpFleet.Core.Storage;

namespace ExchangeSmtpFleet.Core.Auditing;

/// <summary>
/// The nightly audit as jobs (SPEC 7): start a run from the inventory and fan it out into batches, probe and store a
/// batch, and when the last batch is done write the report, then mail it. The Hangfire job classes only call these
/// methods with their job id; every method may run again for the same job (at-least-once delivery, retries, a crash) or
/// in another process sharing the database, and does nothing twice: results are keyed by run and host, a batch skips
/// the hosts it stored before, and the report and the mail are steps that one job owns (<see cref="IRunLedger"/>).
/// </summary>
/// <param name="audit">Probes hosts and makes runs.</param>
/// <param name="store">The runs and their results.</param>
/// <param name="ledger">The pipeline's bookkeeping.</param>
/// <param name="publisher">Writes and mails reports.</param>
/// <param name="queue">Where the next jobs go.</param>
/// <param name="time">The clock.</param>
public sealed class AuditPipeline(AuditService audit, IAuditStore store, IRunLedger ledger, IReportPublisher publisher, IAuditJobs queue, TimeProvider time)
{
    /// <summary>The step the start marks done once every batch is queued.</summary>
    public const string StartStep = "start";

    /// <summary>The step the batch that completes the run owns while it queues the report.</summary>
    public const string FinishStep = "finish";

    /// <summary>The report's step.</summary>
    public const string ReportStep = "report";

    /// <summary>The mail's step.</summary>
    public const string MailStep = "mail";

    private const string BatchPrefix = "batch-";

    /// <summary>The step of batch <paramref name="number"/>.</summary>
    /// <param name="number">The batch's number, from 1.</param>
    public static string BatchStep(int number) => string.Create(CultureInfo.InvariantCulture, $"{BatchPrefix}{number:D4}");

    /// <summary>Whether a step is a batch's.</summary>
    /// <param name="step">The step.</param>
    public static bool IsBatch(RunStep step) => step?.Step.StartsWith(BatchPrefix, StringComparison.Ordinal) == true;

    /// <summary>Whether <paramref name="step"/> is among the done ones of <paramref name="steps"/>.</summary>
    /// <param name="steps">A run's steps (<see cref="IRunLedger.StepsAsync"/>).</param>
    /// <param name="step">The step.</param>
    public static bool IsDone(IEnumerable<RunStep> steps, string step) => steps?.Any(s => s.Step == step && s.DoneAt is not null) == true;

    /// <summary>Where a run stands: batches done of all, and its start.</summary>
    /// <param name="run">The run.</param>
    /// <param name="steps">Its steps.</param>
    public static string ProgressOf(PipelineRun run, IEnumerable<RunStep> steps)
    {
        ArgumentNullException.ThrowIfNull(run);
        return $"{BatchesDone(steps)} of {run.BatchCount} batches done, started {run.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z";
    }

    /// <summary>
    /// The run a start job makes: the same for every attempt of the same job (a retry finds its run), different for every job.
    /// </summary>
    /// <param name="jobId">The start job's id.</param>
    /// <param name="createdAt">When the job was created.</param>
    public static string RunIdFor(string jobId, DateTimeOffset createdAt) =>
        string.Create(CultureInfo.InvariantCulture, $"audit-{createdAt.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}-j{jobId}");

    /// <summary>How a run is named in job titles: its start in UTC to the minute.</summary>
    /// <param name="startedAt">When the run began.</param>
    public static string LabelOf(DateTimeOffset startedAt) => startedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// Starts an audit: unless another one is running, stores a run of the inventory and queues one batch per
    /// <see cref="AuditPlan.BatchSize"/> hosts. Called again by the same job (a retry), it queues what it had not queued.
    /// </summary>
    /// <param name="jobId">The start job's id.</param>
    /// <param name="createdAt">When the start job was created.</param>
    /// <param name="plan">The inventory and the split.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>One line for the log and the dashboard.</returns>
    /// <exception cref="AuditPipelineException">The inventory is unusable or has no host.</exception>
    public async Task<string> StartAsync(string jobId, DateTimeOffset createdAt, AuditPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var runId = RunIdFor(jobId, createdAt);
        var now = time.GetUtcNow();
        var holder = await ledger.TakeAuditLockAsync(runId, now, now - plan.StaleAfter, cancellationToken).ConfigureAwait(false);
        if (!string.Equals(holder, runId, StringComparison.Ordinal))
        {
            return $"skipped: audit {holder} is still running ({await ProgressOfAsync(holder, cancellationToken).ConfigureAwait(false)}); this audit is not queued";
        }

        var run = await ledger.PipelineRunAsync(runId, cancellationToken).ConfigureAwait(false)
            ?? await StoreRunAsync(runId, plan, cancellationToken).ConfigureAwait(false);
        var steps = await ledger.StepsAsync(runId, cancellationToken).ConfigureAwait(false);
        if (IsDone(steps, StartStep))
        {
            return $"run {runId} was started before: its {run.BatchCount} batches are queued";
        }

        var queued = QueueBatches(run, steps);
        await ledger.CompleteStepAsync(runId, StartStep, jobId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return $"run {runId}: {run.HostCount} hosts in {run.BatchCount} batches of up to {run.BatchSize}; {queued} batches queued";
    }

    /// <summary>
    /// Probes the hosts of a batch that have no result yet and stores them; the batch that completes the run queues the report.
    /// </summary>
    /// <param name="batch">The batch.</param>
    /// <param name="jobId">The batch job's id.</param>
    /// <param name="concurrency">Most hosts probed at the same time.</param>
    /// <param name="cancellationToken">Stops the batch: it throws <see cref="OperationCanceledException"/>, what it stored stays, and a new attempt probes the rest.</param>
    /// <returns>One line for the log and the dashboard.</returns>
    /// <exception cref="AuditSinkException">The results could not be stored.</exception>
    public async Task<string> ProbeBatchAsync(AuditBatch batch, string jobId, int concurrency, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var stored = await store.FindRunAsync(batch.RunId, cancellationToken).ConfigureAwait(false)
            ?? throw new AuditPipelineException($"run {batch.RunId} is not in {store.Description} (deleted?): batch {batch.Number} has nothing to do");
        if (stored.Status != AuditRunStatus.Running)
        {
            return $"run {batch.RunId} is {stored.Status}: batch {batch.Number} has nothing to do";
        }

        var hosts = await ledger.PendingHostsAsync(batch.RunId, batch.First, batch.Size, cancellationToken).ConfigureAwait(false);
        if (hosts.Count > 0)
        {
            var sink = ledger.CreateBatchSink(batch.RunId);
            try
            {
                var run = audit.RunOf(stored, concurrency);
                var result = await audit.RunBatchAsync(run, hosts, concurrency, [sink], null, cancellationToken).ConfigureAwait(false);
                if (result.Run.Status == AuditRunStatus.Interrupted)
                {
                    throw new OperationCanceledException($"batch {batch.Number} of {batch.RunId} stopped after {result.Summary.Total} of {hosts.Count} hosts", cancellationToken);
                }

                if (!result.SinkFailures.IsEmpty)
                {
                    throw new AuditSinkException($"batch {batch.Number} of {batch.RunId}: {string.Join("; ", result.SinkFailures)}");
                }
            }
            finally
            {
                if (sink is IAsyncDisposable disposable)
                {
                    await disposable.DisposeAsync().ConfigureAwait(false);
                }
            }
        }

        await ledger.CompleteStepAsync(batch.RunId, BatchStep(batch.Number), jobId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);

        // Counted after this batch's step is committed: of two batches that end at once, the later count sees both.
        var steps = await ledger.StepsAsync(batch.RunId, cancellationToken).ConfigureAwait(false);
        var done = BatchesDone(steps);
        var before = Math.Clamp(stored.HostCount - batch.First, 0, batch.Size) - hosts.Count;
        var line = $"batch {batch.Number}/{batch.Of} of {batch.RunId}: {hosts.Count} hosts probed{(before > 0 ? $", {before} stored by an earlier attempt" : string.Empty)}; {done} of {batch.Of} batches done";
        if (done < batch.Of)
        {
            return line;
        }

        var claim = await ledger.ClaimStepAsync(batch.RunId, FinishStep, jobId, cancellationToken).ConfigureAwait(false);
        if (claim.Kind != StepClaimKind.Claimed)
        {
            return $"{line}; the report is queued by job {claim.Owner}";
        }

        queue.EnqueueReport(batch.RunId, batch.Label);
        await ledger.CompleteStepAsync(batch.RunId, FinishStep, jobId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return $"{line}; report queued";
    }

    /// <summary>Ends a run whose batches are done: its status, its workbook, and the mail queued when <paramref name="email"/>.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="label">How the run is named in job titles.</param>
    /// <param name="jobId">The report job's id.</param>
    /// <param name="email">Whether to queue the mail.</param>
    /// <param name="cancellationToken">Stops the writing.</param>
    /// <returns>One line for the log and the dashboard.</returns>
    public async Task<string> ReportAsync(string runId, string label, string jobId, bool email, CancellationToken cancellationToken)
    {
        var claim = await ledger.ClaimStepAsync(runId, ReportStep, jobId, cancellationToken).ConfigureAwait(false);
        if (claim.Kind != StepClaimKind.Claimed)
        {
            return claim.Kind == StepClaimKind.Done ? $"the report of {runId} was written before" : $"the report of {runId} is written by job {claim.Owner}";
        }

        // The run's final status first: the workbook shows it.
        var missing = await store.HostsWithoutResultAsync(runId, cancellationToken).ConfigureAwait(false);
        var finished = await store.FindRunAsync(runId, cancellationToken).ConfigureAwait(false);
        if (finished?.Status == AuditRunStatus.Running)
        {
            await ledger.FinishRunAsync(runId, missing.Count == 0 ? AuditRunStatus.Completed : AuditRunStatus.Failed, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }

        var path = await publisher.WriteReportAsync(runId, cancellationToken).ConfigureAwait(false);
        if (email)
        {
            queue.EnqueueMail(runId, label);
        }

        await ledger.CompleteStepAsync(runId, ReportStep, jobId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        var gap = missing.Count == 0 ? string.Empty : $"; {missing.Count} hosts have no result (first: {missing[0]}), the run is marked Failed";
        return $"report of {runId}: {path}{gap}{(email ? "; mail queued" : string.Empty)}";
    }

    /// <summary>Mails a run's report once.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="jobId">The mail job's id.</param>
    /// <param name="cancellationToken">Cancels the dialogue with the relay.</param>
    /// <returns>One line for the log and the dashboard.</returns>
    /// <exception cref="AuditPipelineException">The relay could not be reached or refused (the job is retried).</exception>
    public async Task<string> MailAsync(string runId, string jobId, CancellationToken cancellationToken)
    {
        var claim = await ledger.ClaimStepAsync(runId, MailStep, jobId, cancellationToken).ConfigureAwait(false);
        if (claim.Kind != StepClaimKind.Claimed)
        {
            return claim.Kind == StepClaimKind.Done ? $"the report of {runId} was mailed before" : $"the report of {runId} is mailed by job {claim.Owner}";
        }

        var outcome = await publisher.MailReportAsync(runId, cancellationToken).ConfigureAwait(false);
        var line = outcome.Kind switch
        {
            MailOutcomeKind.Sent => $"report of {runId} mailed to {outcome.Detail}",
            MailOutcomeKind.AlreadyMailed => $"report of {runId} was mailed at {outcome.At:u}; nothing sent",
            MailOutcomeKind.NotConfigured => $"report of {runId} not mailed: no relay is configured (Mail:Host)",
            _ => throw new AuditPipelineException($"report of {runId} not mailed: {outcome.Detail}"),
        };
        await ledger.CompleteStepAsync(runId, MailStep, jobId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return line;
    }

    /// <summary>
    /// After a restart of the only process on a storage (the embedded default): queues again what the unfinished pipeline
    /// runs (no report yet) still need, since the jobs that were running died with the process. A job that comes back later finds its
    /// work done. Never call it while another process works on the same runs.
    /// </summary>
    /// <param name="cancellationToken">Cancels the queries.</param>
    /// <returns>One line per run resumed.</returns>
    public async Task<IReadOnlyList<string>> ResumeAsync(CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        foreach (var run in await ledger.UnfinishedPipelineRunsAsync(cancellationToken).ConfigureAwait(false))
        {
            await ledger.ReleaseOpenStepsAsync(run.RunId, cancellationToken).ConfigureAwait(false);
            var steps = await ledger.StepsAsync(run.RunId, cancellationToken).ConfigureAwait(false);
            var queued = QueueBatches(run, steps);
            if (queued == 0)
            {
                queue.EnqueueReport(run.RunId, LabelOf(run.StartedAt));
            }

            lines.Add(queued == 0 ? $"run {run.RunId}: every batch done, report queued again" : $"run {run.RunId}: {queued} of {run.BatchCount} batches queued again");
        }

        return lines;
    }

    /// <summary>Where a run stands: batches done of all.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Cancels the queries.</param>
    public async Task<string> ProgressOfAsync(string runId, CancellationToken cancellationToken)
    {
        var run = await ledger.PipelineRunAsync(runId, cancellationToken).ConfigureAwait(false);
        if (run is null)
        {
            return "starting";
        }

        return ProgressOf(run, await ledger.StepsAsync(runId, cancellationToken).ConfigureAwait(false));
    }

    private static int BatchesDone(IEnumerable<RunStep> steps) => steps.Count(s => IsBatch(s) && s.DoneAt is not null);

    private async Task<PipelineRun> StoreRunAsync(string runId, AuditPlan plan, CancellationToken cancellationToken)
    {
        var read = audit.ReadInventory(plan.InventoryPath);
        if (!read.IsUsable)
        {
            throw new AuditPipelineException($"{plan.InventoryPath}: unusable inventory: {read.FatalError}");
        }

        if (read.Hosts.IsEmpty)
        {
            throw new AuditPipelineException($"{plan.InventoryPath}: no host to audit ({read.Problems.Length} bad rows, {read.DisabledCount} disabled)");
        }

        var run = audit.NewRun(new AuditRequest("audit", plan.InventoryPath, read, plan.Concurrency), runId);
        var sink = store.CreateSink(read);
        try
        {
            await sink.OpenAsync(run, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (sink is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync().ConfigureAwait(false);
            }
        }

        var size = Math.Max(1, plan.BatchSize);
        var count = (read.Hosts.Length + size - 1) / size;
        await ledger.SetBatchesAsync(runId, count, size, cancellationToken).ConfigureAwait(false);
        return new PipelineRun(runId, run.StartedAt, AuditRunStatus.Running, read.Hosts.Length, count, size);
    }

    /// <summary>Queues the batches of a run that are not done; returns how many.</summary>
    private int QueueBatches(PipelineRun run, IReadOnlyList<RunStep> steps)
    {
        var done = steps.Where(s => IsBatch(s) && s.DoneAt is not null).Select(s => s.Step).ToHashSet(StringComparer.Ordinal);
        var label = LabelOf(run.StartedAt);
        var queued = 0;
        for (var number = 1; number <= run.BatchCount; number++)
        {
            if (!done.Contains(BatchStep(number)))
            {
                queue.EnqueueBatch(new AuditBatch(run.RunId, label, number, run.BatchCount, (number - 1) * run.BatchSize, run.BatchSize));
                queued++;
            }
        }

        return queued;
    }
}
