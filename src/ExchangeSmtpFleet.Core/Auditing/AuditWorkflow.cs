using System.Globalization;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Inventory;
using ExchangeSmtpFleet.Core.Knowledge;
using ExchangeSmtpFleet.Core.Probing;
using ExchangeSmtpFleet.Core.Storage;

namespace ExchangeSmtpFleet.Core.Auditing;

/// <summary>
/// The audit (SPEC 1), the one use case every driver runs: <c>scan</c>, the foreground <c>audit</c>, the nightly jobs and
/// the demo call its steps. Begin a run (inventory gate, audit lock, the run with its hosts, its batches), probe hosts of
/// the run into the store and any other sinks, finish the run (its final status), write its report, mail it. Every step
/// may run again (jobs are delivered at least once; a command may be repeated) and in another process sharing the
/// database, and does nothing twice: results are keyed by run and host, and the steps that happen once per run are claimed
/// in the ledger by their owner (a job or a command).
/// </summary>
public sealed class AuditWorkflow
{
    /// <summary>Most outcomes one <see cref="IResultSink.WriteAsync"/> call receives.</summary>
    public const int MaxBatchSize = 500;

    /// <summary>Outcomes that may wait for a slow sink before the probing waits for it.</summary>
    public const int SinkQueueCapacity = 4096;

    private readonly IInventoryReader _inventory;
    private readonly IFleetProber _fleet;
    private readonly IHostProber _prober;
    private readonly Classifier _classifier;
    private readonly IRunWriter _writer;
    private readonly IAuditHistory _history;
    private readonly IJobLedger _ledger;
    private readonly IReportPublisher _publisher;
    private readonly TimeProvider _time;
    private readonly AuditWorkflowOptions _options;
    private readonly IAuditJobQueue? _queue;

    /// <summary>Creates the workflow.</summary>
    /// <param name="inventory">Reads inventory files.</param>
    /// <param name="fleet">Probes a set of hosts.</param>
    /// <param name="prober">Probes one host (its options are recorded with each run).</param>
    /// <param name="classifier">Judges what a probe saw.</param>
    /// <param name="writer">Begins, stores and finishes runs.</param>
    /// <param name="history">Reads stored runs.</param>
    /// <param name="ledger">The audit lock and the steps of runs.</param>
    /// <param name="publisher">Writes workbooks and sends mails.</param>
    /// <param name="time">The clock.</param>
    /// <param name="options">What configuration says.</param>
    /// <param name="queue">Where the jobs of a run split into batches go; null in a process that runs no jobs.</param>
    public AuditWorkflow(
        IInventoryReader inventory, IFleetProber fleet, IHostProber prober, Classifier classifier, IRunWriter writer, IAuditHistory history,
        IJobLedger ledger, IReportPublisher publisher, TimeProvider time, AuditWorkflowOptions options, IAuditJobQueue? queue = null)
    {
        _inventory = inventory;
        _fleet = fleet;
        _prober = prober;
        _classifier = classifier;
        _writer = writer;
        _history = history;
        _ledger = ledger;
        _publisher = publisher;
        _time = time;
        _options = options;
        _queue = queue;
    }

    /// <summary>The probe options every run of this process records.</summary>
    public ProbeOptions ProbeOptions => _prober.Options;

    /// <summary>Where the run of a start job is: the same for every attempt of the same job (a retry finds its run), different for every job.</summary>
    /// <param name="jobId">The start job's id.</param>
    /// <param name="createdAt">When the job was created.</param>
    public static string RunIdFor(string jobId, DateTimeOffset createdAt) =>
        string.Create(CultureInfo.InvariantCulture, $"audit-{createdAt.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}-j{jobId}");

    /// <summary>How a run is named in job titles: its start in UTC to the minute, as the dashboard writes times (<c>2026-11-30 02:00 UTC</c>).</summary>
    /// <param name="startedAt">When the run began.</param>
    public static string LabelOf(DateTimeOffset startedAt) => startedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>Whether <paramref name="step"/> is among the done ones of <paramref name="steps"/>.</summary>
    /// <param name="steps">A run's steps.</param>
    /// <param name="step">The step (<see cref="RunSteps"/>).</param>
    public static bool IsDone(IEnumerable<RunStep> steps, string step) => steps?.Any(s => s.Step == step && s.DoneAt is not null) == true;

    /// <summary>Where a run split into batches stands: batches done of all, and its start.</summary>
    /// <param name="run">The run.</param>
    /// <param name="steps">Its steps.</param>
    public static string ProgressOf(PipelineRun run, IEnumerable<RunStep> steps)
    {
        ArgumentNullException.ThrowIfNull(run);
        return string.Create(CultureInfo.InvariantCulture, $"{BatchesDone(steps)} of {Plural.Of(run.BatchCount, "batch", "batches")} done, started {run.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z");
    }

    /// <summary>Reads and validates an inventory: the gate every run passes.</summary>
    /// <param name="path">The inventory file (full path).</param>
    /// <param name="onProblem">Told of every bad row before the gate decides (they are skipped and reported), or null.</param>
    /// <returns>The inventory, with at least one host to audit (its bad rows are in it, to be reported).</returns>
    /// <exception cref="AuditException">The file is unusable or has no host to audit; the message names it.</exception>
    public InventoryReadResult OpenInventory(string path, Action<InventoryProblem>? onProblem = null)
    {
        var read = _inventory.ReadFile(path);
        if (!read.IsUsable)
        {
            throw new AuditException($"{path}: unusable inventory: {read.FatalError}");
        }

        foreach (var problem in onProblem is null ? [] : read.Problems)
        {
            onProblem!(problem);
        }

        return read.Hosts.IsEmpty
            ? throw new AuditException($"{path}: no host to audit ({read.Problems.Length} bad rows, {read.DisabledCount} disabled)")
            : read;
    }

    /// <summary>Probes and judges one host (<c>esfleet probe</c>).</summary>
    /// <param name="host">The host with what the inventory expects of it.</param>
    /// <param name="onLine">Called for every transcript line as it happens, or null.</param>
    /// <param name="cancellationToken">The caller's cancellation.</param>
    public async Task<HostOutcome> CheckHostAsync(InventoryHost host, Action<TranscriptLine>? onLine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        var probe = await _prober.ProbeAsync(host.Host, host.Port, onLine, cancellationToken).ConfigureAwait(false);
        return Judge(host, probe);
    }

    /// <summary>A run of <paramref name="inventory"/> that is not stored (<c>scan --no-store</c>): its id and start, status Running.</summary>
    /// <param name="request">What to run.</param>
    /// <param name="inventory">The inventory (<see cref="OpenInventory"/>).</param>
    public AuditRun NewRun(RunRequest request, InventoryReadResult inventory)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(inventory);
        var started = _time.GetUtcNow();
        return new AuditRun
        {
            RunId = request.RunId ?? string.Create(
                CultureInfo.InvariantCulture, $"{request.Kind.ToString().ToLowerInvariant()}-{started:yyyyMMdd'T'HHmmss'Z'}-{Guid.NewGuid().ToString("N")[..6]}"),
            StartedAt = started,
            InventoryPath = request.InventoryPath,
            InventoryHash = inventory.ContentHash,
            HostCount = inventory.Hosts.Length,
            Concurrency = request.Concurrency,
            Probe = _prober.Options,
            ToolVersion = _options.ToolVersion,
        };
    }

    /// <summary>
    /// Step 1, begin a run: the inventory gate; for an audit the audit lock (another audit that runs refuses this one); the
    /// run with its inventory snapshot stored; with a batch size, its batches stored and queued as jobs. A job that begins
    /// its run again (a retry) finds it and queues what it had not queued.
    /// </summary>
    /// <param name="request">What to run.</param>
    /// <param name="cancellationToken">Cancels the beginning.</param>
    /// <exception cref="AuditException">The inventory is unusable or has no host.</exception>
    /// <exception cref="StoreException">The database cannot be used.</exception>
    public async Task<RunStart> BeginRunAsync(RunRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.RunId is { } id && await _ledger.PipelineRunAsync(id, cancellationToken).ConfigureAwait(false) is { } begun)
        {
            var queued = await QueueBatchesAsync(begun, request.Owner, cancellationToken).ConfigureAwait(false);
            return new RunStart(id, begun.StartedAt, new InventoryReadResult(),
                queued == 0 ? $"run {id} was begun before: its {Plural.Of(begun.BatchCount, "batch is", "batches are")} queued" : $"run {id} was begun before: {queued} of its {Plural.Of(begun.BatchCount, "batch", "batches")} queued again");
        }

        var inventory = request.Inventory ?? OpenInventory(request.InventoryPath);
        var run = NewRun(request, inventory);
        string? abandoned = null;
        if (request.Kind == RunKind.Audit)
        {
            var now = _time.GetUtcNow();
            var holder = await _ledger.TakeAuditLockAsync(run.RunId, now, now - _options.StaleAfter, cancellationToken).ConfigureAwait(false);
            if (!string.Equals(holder, run.RunId, StringComparison.Ordinal)
                && await CloseAbandonedAsync(holder, request.Owner ?? run.RunId, cancellationToken).ConfigureAwait(false) is { } closed)
            {
                abandoned = closed;
                holder = await _ledger.TakeAuditLockAsync(run.RunId, now, now - _options.StaleAfter, cancellationToken).ConfigureAwait(false);
            }

            if (!string.Equals(holder, run.RunId, StringComparison.Ordinal))
            {
                return new RunStart(run.RunId, run.StartedAt, inventory, $"audit {holder} is still running ({await ProgressOfAsync(holder, cancellationToken).ConfigureAwait(false)})")
                {
                    RefusedBy = holder,
                };
            }
        }

        var batches = request.BatchSize is { } size ? RunBatches.Of(inventory.Hosts.Length, size) : null;
        await _writer.BeginRunAsync(run, inventory, batches, cancellationToken).ConfigureAwait(false);
        if (batches is null)
        {
            return new RunStart(run.RunId, run.StartedAt, inventory, $"run {run.RunId}: {Plural.Of(inventory.Hosts.Length, "host")}");
        }

        var pipeline = new PipelineRun(run.RunId, run.StartedAt, AuditRunStatus.Running, inventory.Hosts.Length, batches.Count, batches.Size);
        var queuedNow = await QueueBatchesAsync(pipeline, request.Owner, cancellationToken).ConfigureAwait(false);
        return new RunStart(run.RunId, run.StartedAt, inventory,
            $"{(abandoned is null ? string.Empty : $"{abandoned}; ")}run {run.RunId}: {Plural.Of(inventory.Hosts.Length, "host")} in {Plural.Of(batches.Count, "batch", "batches")} of up to {batches.Size}; {Plural.Of(queuedNow, "batch", "batches")} queued");
    }

    /// <summary>
    /// Step 2, probe hosts of a run: each host probed and judged, its outcome handed to the store (unless not stored) and to
    /// the request's sinks as it arrives. Cancellation is not an exception: the probing ends Interrupted with what arrived.
    /// </summary>
    /// <param name="request">The run, its hosts, the sinks and what a failing database does.</param>
    /// <param name="cancellationToken">Interrupts the probing.</param>
    public async Task<ProbeReport> ProbeHostsAsync(ProbeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var store = request.Storage == RunStorage.NotStored ? null : _writer.OpenResultSink(request.RunId, request.StartedAt);
        await using var storing = store;
        var sinks = request.Sinks.Select(s => (s, SinkFailurePolicy.StopRun)).ToList();
        if (store is not null)
        {
            sinks.Insert(0, (store, request.Storage == RunStorage.StopOnFailure ? SinkFailurePolicy.StopRun : SinkFailurePolicy.Detach));
        }

        using var set = new SinkSet(sinks, SinkQueueCapacity, MaxBatchSize);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, set.Failed);
        var counts = new int[Enum.GetValues<Verdict>().Length];
        var (completed, notHealthy) = (0, 0);
        var status = AuditRunStatus.Completed;
        string? probingFailure = null;
        var start = _time.GetTimestamp();
        try
        {
            await foreach (var probed in _fleet.ProbeAsync(request.Hosts, request.Concurrency, stop.Token).ConfigureAwait(false))
            {
                var outcome = Judge(probed.Host, probed.Probe);
                counts[(int)outcome.Classification.Verdict]++;
                notHealthy += outcome.Classification.Verdict == Verdict.Healthy ? 0 : 1;
                request.Progress?.Report(new FleetProgress(++completed, request.Hosts.Count, probed.InFlight, notHealthy));
                await set.AddAsync(outcome, stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            status = set.Failed.IsCancellationRequested ? AuditRunStatus.Failed : AuditRunStatus.Interrupted;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The probing itself failed (this machine out of sockets for minutes): the sinks still get what arrived.
            status = AuditRunStatus.Failed;
            probingFailure = e.Message;
        }

        var (stopped, dropped) = await set.CompleteAsync().ConfigureAwait(false);
        var summary = new RunSummary { Counts = RunSummary.CountsFrom(counts), Expected = request.Hosts.Count, Elapsed = _time.GetElapsedTime(start) };
        return new ProbeReport(stopped is null ? status : AuditRunStatus.Failed, summary)
        {
            SinkFailure = stopped,
            ProbingFailure = probingFailure,
            Dropped = [.. dropped.Select(d => d.Failure)],
            StoreDropped = dropped.Any(d => ReferenceEquals(d.Sink, store)),
        };
    }

    /// <summary>
    /// Step 2 as a job: probes the hosts of a batch that have no result yet and stores them; the batch that completes the run
    /// finishes it and queues its report.
    /// </summary>
    /// <param name="batch">The batch.</param>
    /// <param name="owner">The batch job.</param>
    /// <param name="cancellationToken">Stops the batch: it throws <see cref="OperationCanceledException"/>, what it stored stays, and a new attempt probes the rest.</param>
    /// <returns>One line for the log and the dashboard.</returns>
    /// <exception cref="AuditSinkException">The results could not be stored (the job is retried).</exception>
    public async Task<string> ProbeBatchAsync(AuditBatch batch, string owner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var stored = await _history.FindRunAsync(batch.RunId, cancellationToken).ConfigureAwait(false)
            ?? throw new AuditException($"run {batch.RunId} is not in {_history.Description} (deleted?): batch {batch.Number} has nothing to do");
        if (stored.Status != AuditRunStatus.Running)
        {
            return $"run {batch.RunId} is {stored.Status}: batch {batch.Number} has nothing to do";
        }

        var hosts = await _ledger.PendingHostsAsync(batch.RunId, batch.First, batch.Size, cancellationToken).ConfigureAwait(false);
        if (hosts.Count > 0)
        {
            var report = await ProbeHostsAsync(new ProbeRequest(batch.RunId, stored.StartedAt, hosts, _options.BatchConcurrency), cancellationToken).ConfigureAwait(false);
            if (report.Status == AuditRunStatus.Interrupted)
            {
                throw new OperationCanceledException($"batch {batch.Number} of {batch.RunId} stopped after {report.Summary.Total} of {Plural.Of(hosts.Count, "host")}", cancellationToken);
            }

            if (report.SinkFailure is not null)
            {
                throw new AuditSinkException($"batch {batch.Number} of {batch.RunId}: {report.SinkFailure}");
            }

            if (report.ProbingFailure is not null)
            {
                throw new AuditException($"batch {batch.Number} of {batch.RunId}: {report.ProbingFailure}");
            }
        }

        await _ledger.CompleteStepAsync(batch.RunId, RunSteps.Batch(batch.Number), owner, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);

        // Counted after this batch's step is committed, this batch included: of two batches that end at once, the later
        // count sees both. Batches run side by side, so the last number is not the last to finish: the line names the
        // batches still running, and the one that finds every batch done finishes the run.
        var steps = await _ledger.StepsAsync(batch.RunId, cancellationToken).ConfigureAwait(false);
        var done = BatchesDone(steps);
        var before = Math.Clamp(stored.HostCount - batch.First, 0, batch.Size) - hosts.Count;
        var line = $"batch {batch.Number} of {batch.Of} of {batch.RunId}: {Plural.Of(hosts.Count, "host")} probed{(before > 0 ? $", {before} stored by an earlier attempt" : string.Empty)}; {done} of {Plural.Of(batch.Of, "batch", "batches")} done";
        return done < batch.Of
            ? $"{line}, waiting for {Waiting(steps, batch.Of)}"
            : $"{line}; {await FinishAndQueueReportAsync(batch.RunId, batch.Label, owner, cancellationToken).ConfigureAwait(false)}";
    }

    /// <summary>
    /// Step 3, finish a run: its final status (a run asked to complete while hosts have no result is Failed). A run that is
    /// not running any more stays as it is.
    /// </summary>
    /// <param name="runId">The run.</param>
    /// <param name="status">How the probing ended.</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    /// <returns>The run's status afterwards and the hosts it lacks.</returns>
    /// <exception cref="AuditException">There is no such run.</exception>
    public async Task<FinishedRun> FinishRunAsync(string runId, AuditRunStatus status, CancellationToken cancellationToken) =>
        await _writer.FinishRunAsync(runId, status, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false)
            ?? throw new AuditException($"run {runId} is not in {_writer.Description}");

    /// <summary>Step 4, write a run's workbook: to <paramref name="path"/> or where reports go, never half-written at that path.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="path">The file, or null for <see cref="IReportPublisher.DefaultPath"/>.</param>
    /// <param name="cancellationToken">Stops the writing.</param>
    /// <returns>The workbook's full path.</returns>
    /// <exception cref="AuditException">The file cannot be written.</exception>
    public Task<string> WriteReportAsync(string runId, string? path, CancellationToken cancellationToken) =>
        _publisher.WriteReportAsync(runId, path, cancellationToken);

    /// <summary>Where the workbook of a run goes unless told otherwise.</summary>
    /// <param name="runId">The run.</param>
    public string ReportPathOf(string runId) => _publisher.DefaultPath(runId);

    /// <summary>The workbook of a run on disk, for a download (<see cref="IReportPublisher.FindReport"/>); null when there is none.</summary>
    /// <param name="runId">The run.</param>
    public string? FindReportOf(string runId) => _publisher.FindReport(runId);

    /// <summary>Step 4 as a job: the run's workbook written once (the report step), then its mail queued when configured.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="label">How the run is named in job titles.</param>
    /// <param name="owner">The report job.</param>
    /// <param name="cancellationToken">Stops the writing.</param>
    /// <returns>One line for the log and the dashboard.</returns>
    public async Task<string> WriteRunReportAsync(string runId, string label, string owner, CancellationToken cancellationToken)
    {
        var claim = await _ledger.ClaimStepAsync(runId, RunSteps.Report, owner, cancellationToken).ConfigureAwait(false);
        if (claim.Kind != StepClaimKind.Claimed)
        {
            return claim.Kind == StepClaimKind.Done ? $"the report of {runId} was written before" : $"the report of {runId} is written by job {claim.Owner}";
        }

        var path = await _publisher.WriteReportAsync(runId, null, cancellationToken).ConfigureAwait(false);

        // At least once from here: a crash before the step is done writes the workbook again and may queue a second mail
        // job, which finds the mail step claimed or done.
        if (_options.MailAfterReport)
        {
            Queue().EnqueueMail(runId, label);
        }

        await _ledger.CompleteStepAsync(runId, RunSteps.Report, owner, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return $"report of {runId}: {path}{(_options.MailAfterReport ? "; mail queued" : string.Empty)}";
    }

    /// <summary>
    /// Step 5, mail a run's report, once per run: the mail step is claimed by <paramref name="owner"/> first (another owner
    /// that holds it is sending it), recorded when the relay took the message, and given up when it did not (the next attempt sends).
    /// </summary>
    /// <param name="runId">The run.</param>
    /// <param name="workbook">Its workbook on disk.</param>
    /// <param name="owner">The job or command that mails.</param>
    /// <param name="trigger">Who asks: the audit's own step (<c>Mail:When</c> decides), a person, or a person sending it again.</param>
    /// <param name="cancellationToken">Cancels the dialogue with the relay.</param>
    /// <exception cref="AuditException">There is no such run, or its workbook is missing.</exception>
    public async Task<MailOutcome> MailReportAsync(string runId, string workbook, string owner, MailTrigger trigger, CancellationToken cancellationToken)
    {
        var run = await _history.FindRunAsync(runId, cancellationToken).ConfigureAwait(false)
            ?? throw new AuditException($"run {runId} is not in {_history.Description}");
        if (!_publisher.CanMail)
        {
            return new MailOutcome(MailOutcomeKind.NotConfigured, null, string.Empty);
        }

        var claimed = false;
        if (trigger != MailTrigger.Resend)
        {
            if (await _ledger.MailedAtAsync(runId, cancellationToken).ConfigureAwait(false) is { } mailedAt)
            {
                return new MailOutcome(MailOutcomeKind.AlreadyMailed, mailedAt, string.Empty);
            }

            var claim = await _ledger.ClaimStepAsync(runId, RunSteps.Mail, owner, cancellationToken).ConfigureAwait(false);
            switch (claim.Kind)
            {
                case StepClaimKind.Done:
                    var steps = await _ledger.StepsAsync(runId, cancellationToken).ConfigureAwait(false);
                    return new MailOutcome(MailOutcomeKind.AlreadyMailed, steps.FirstOrDefault(s => s.Step == RunSteps.Mail)?.DoneAt, string.Empty);
                case StepClaimKind.Taken:
                    return new MailOutcome(MailOutcomeKind.Busy, null, claim.Owner ?? "another job");
                default:
                    claimed = true;
                    break;
            }
        }

        MailDelivery delivery;
        try
        {
            delivery = await _publisher.SendReportAsync(run, workbook, askPolicy: trigger == MailTrigger.Audit, cancellationToken).ConfigureAwait(false);
        }
        catch when (claimed)
        {
            await _ledger.ReleaseStepAsync(runId, RunSteps.Mail, owner, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        if (delivery.Kind == MailDeliveryKind.NotWanted)
        {
            // Decided, not failed: nothing is recorded, so a person may still send it (report --email); a retry of the job
            // asks the policy again over the same stored run and gets the same answer.
            if (claimed)
            {
                await _ledger.ReleaseStepAsync(runId, RunSteps.Mail, owner, CancellationToken.None).ConfigureAwait(false);
            }

            return new MailOutcome(MailOutcomeKind.NotWanted, null, delivery.Detail);
        }

        if (!delivery.Accepted)
        {
            if (claimed)
            {
                await _ledger.ReleaseStepAsync(runId, RunSteps.Mail, owner, CancellationToken.None).ConfigureAwait(false);
            }

            return new MailOutcome(MailOutcomeKind.Failed, null, delivery.Detail);
        }

        // The relay has the message: record it even if this process is being stopped.
        var sentAt = _time.GetUtcNow();
        await _ledger.RecordMailedAsync(runId, sentAt, delivery.Recipients, CancellationToken.None).ConfigureAwait(false);
        if (claimed)
        {
            await _ledger.CompleteStepAsync(runId, RunSteps.Mail, owner, sentAt, CancellationToken.None).ConfigureAwait(false);
        }

        return new MailOutcome(MailOutcomeKind.Sent, sentAt, $"{delivery.Recipients} via {delivery.Detail}{(delivery.Note is null ? string.Empty : $" ({delivery.Note})")}");
    }

    /// <summary>Step 5 as a job: the run's report mailed once.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="owner">The mail job.</param>
    /// <param name="cancellationToken">Cancels the dialogue with the relay.</param>
    /// <returns>One line for the log and the dashboard.</returns>
    /// <exception cref="AuditException">The relay could not be reached or refused (the job is retried).</exception>
    public async Task<string> MailRunReportAsync(string runId, string owner, CancellationToken cancellationToken)
    {
        var outcome = await MailReportAsync(runId, _publisher.DefaultPath(runId), owner, MailTrigger.Audit, cancellationToken).ConfigureAwait(false);
        return outcome.Kind switch
        {
            MailOutcomeKind.Sent => $"report of {runId} mailed to {outcome.Detail}",
            MailOutcomeKind.AlreadyMailed => string.Create(CultureInfo.InvariantCulture, $"report of {runId} was mailed at {outcome.At:u}; nothing sent"),
            MailOutcomeKind.NotConfigured => $"report of {runId} not mailed: no relay is configured (Mail:Host)",
            MailOutcomeKind.Busy => $"the report of {runId} is mailed by job {outcome.Detail}",
            MailOutcomeKind.NotWanted => $"report of {runId} not mailed: {outcome.Detail}",
            _ => throw new AuditException($"report of {runId} not mailed: {outcome.Detail}"),
        };
    }

    /// <summary>
    /// After a restart of the only process on a job storage (the embedded default): queues again what the unfinished runs
    /// split into batches still need, since the jobs that were running died with the process. A job that comes back later
    /// finds its work done. Never call it while another process works on the same runs.
    /// </summary>
    /// <param name="cancellationToken">Cancels the queries.</param>
    /// <returns>One line per run resumed.</returns>
    public async Task<IReadOnlyList<string>> ResumeAsync(CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        var unfinished = await _ledger.UnfinishedPipelineRunsAsync(cancellationToken).ConfigureAwait(false);
        foreach (var run in unfinished)
        {
            await _ledger.ReleaseOpenStepsAsync(run.RunId, cancellationToken).ConfigureAwait(false);
            var queued = await QueueBatchesAsync(run, owner: null, cancellationToken).ConfigureAwait(false);
            lines.Add(queued > 0
                ? $"run {run.RunId}: {queued} of {Plural.Of(run.BatchCount, "batch", "batches")} queued again"
                : $"run {run.RunId}: every batch done; {await FinishAndQueueReportAsync(run.RunId, LabelOf(run.StartedAt), "resume", cancellationToken).ConfigureAwait(false)}");
        }

        // A run whose report is written and whose mail was claimed by a job that died with the process: the claim is given
        // back and the mail queued at once, not after the job time-out (hours) makes Hangfire run the dead job again
        // (issue 18, item 17). A mail the relay took is recorded before its step is done: the new job finds it and sends nothing.
        foreach (var run in await _ledger.PipelineRunsWithOpenStepsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (unfinished.Any(u => u.RunId == run.RunId))
            {
                continue;
            }

            var mail = (await _ledger.StepsAsync(run.RunId, cancellationToken).ConfigureAwait(false)).FirstOrDefault(s => s.Step == RunSteps.Mail && s.DoneAt is null);
            await _ledger.ReleaseOpenStepsAsync(run.RunId, cancellationToken).ConfigureAwait(false);
            if (mail is not null && _options.MailAfterReport)
            {
                Queue().EnqueueMail(run.RunId, LabelOf(run.StartedAt));
                lines.Add($"run {run.RunId}: its mail, claimed by job {mail.JobId} that is gone, queued again");
            }
        }

        return lines;
    }

    /// <summary>Where a run stands: batches done of all for a run split into batches, else hosts with a result of all.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Cancels the queries.</param>
    public async Task<string> ProgressOfAsync(string runId, CancellationToken cancellationToken)
    {
        if (await _ledger.PipelineRunAsync(runId, cancellationToken).ConfigureAwait(false) is { } pipeline)
        {
            return ProgressOf(pipeline, await _ledger.StepsAsync(runId, cancellationToken).ConfigureAwait(false));
        }

        return await _history.FindRunAsync(runId, cancellationToken).ConfigureAwait(false) is { } run
            ? string.Create(CultureInfo.InvariantCulture, $"{run.Results} of {Plural.Of(run.HostCount, "host")} done, started {run.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z")
            : "starting";
    }

    /// <summary>The batches not done yet, for a line: "batch 3", "batches 2, 3", "batches 2, 3, 5 and 4 more".</summary>
    private static string Waiting(IEnumerable<RunStep> steps, int of)
    {
        var done = steps.Where(s => RunSteps.IsBatch(s.Step) && s.DoneAt is not null).Select(s => s.Step).ToHashSet(StringComparer.Ordinal);
        var open = Enumerable.Range(1, of).Where(n => !done.Contains(RunSteps.Batch(n))).ToList();
        var shown = string.Join(", ", open.Take(3).Select(n => n.ToString(CultureInfo.InvariantCulture)));
        return open.Count switch
        {
            1 => $"batch {shown}",
            <= 3 => $"batches {shown}",
            _ => string.Create(CultureInfo.InvariantCulture, $"batches {shown} and {open.Count - 3} more"),
        };
    }

    private static int BatchesDone(IEnumerable<RunStep> steps) => steps.Count(s => RunSteps.IsBatch(s.Step) && s.DoneAt is not null);

    private HostOutcome Judge(InventoryHost host, ProbeResult probe) =>
        new(host, probe, _classifier.Classify(probe.Observation, ClassificationContext.Of(host, _time.GetUtcNow())));

    private IAuditJobQueue Queue() => _queue ?? throw new InvalidOperationException("this process runs no jobs: a run split into batches needs the job queue");

    /// <summary>
    /// The finish step of a run whose batches are all done, claimed by <paramref name="owner"/>: the run's final status,
    /// then its report queued. At least once: a crash between the two queues the report again, and the report step
    /// makes the second report job do nothing.
    /// </summary>
    private async Task<string> FinishAndQueueReportAsync(string runId, string label, string owner, CancellationToken cancellationToken)
    {
        var claim = await _ledger.ClaimStepAsync(runId, RunSteps.Finish, owner, cancellationToken).ConfigureAwait(false);
        if (claim.Kind == StepClaimKind.Taken)
        {
            return $"the run is finished by job {claim.Owner}";
        }

        var finished = await FinishRunAsync(runId, AuditRunStatus.Completed, cancellationToken).ConfigureAwait(false);
        Queue().EnqueueReport(runId, label);
        if (claim.Kind == StepClaimKind.Claimed)
        {
            await _ledger.CompleteStepAsync(runId, RunSteps.Finish, owner, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }

        var gap = finished.HostsWithoutResult == 0 ? string.Empty : $" ({Plural.Of(finished.HostsWithoutResult, "host has", "hosts have")} no result, first {finished.FirstWithoutResult})";
        return $"run {finished.Status}{gap}; report queued";
    }

    /// <summary>
    /// Closes the running run <paramref name="runId"/> that holds the audit lock when no job of it is left to run (issue 18,
    /// item 13): its batches were deleted in the dashboard or failed for good, and nothing would ever finish it, so every
    /// audit would be skipped until Audit:StaleAfterHours. A run with every batch done is finished and reported as the last
    /// batch would have done it; any other ends Failed with what it stored. Null when the run is not such a run: not split
    /// into batches, still beginning (its start job queues the batches), or with a job that will run.
    /// </summary>
    private async Task<string?> CloseAbandonedAsync(string runId, string owner, CancellationToken cancellationToken)
    {
        if (_queue is null || await _ledger.PipelineRunAsync(runId, cancellationToken).ConfigureAwait(false) is not { Status: AuditRunStatus.Running } run)
        {
            return null;
        }

        var steps = await _ledger.StepsAsync(runId, cancellationToken).ConfigureAwait(false);
        if (!IsDone(steps, RunSteps.Begin) || await _queue.HasPendingJobsAsync(runId, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var done = BatchesDone(steps);
        if (done == run.BatchCount)
        {
            return $"run {runId} had no job left with every batch done: {await FinishAndQueueReportAsync(runId, LabelOf(run.StartedAt), owner, cancellationToken).ConfigureAwait(false)}";
        }

        var finished = await FinishRunAsync(runId, AuditRunStatus.Failed, cancellationToken).ConfigureAwait(false);
        return string.Create(CultureInfo.InvariantCulture,
            $"run {runId} had no job left ({done} of {Plural.Of(run.BatchCount, "batch", "batches")} done; the others were deleted or failed for good): ended {finished.Status}, {Plural.Of(finished.HostsWithoutResult, "host")} without a result");
    }

    /// <summary>Queues the batches of a run that are not done and marks the begin step done; returns how many were queued.</summary>
    private async Task<int> QueueBatchesAsync(PipelineRun run, string? owner, CancellationToken cancellationToken)
    {
        var steps = await _ledger.StepsAsync(run.RunId, cancellationToken).ConfigureAwait(false);
        if (owner is not null && IsDone(steps, RunSteps.Begin))
        {
            return 0;
        }

        var done = steps.Where(s => RunSteps.IsBatch(s.Step) && s.DoneAt is not null).Select(s => s.Step).ToHashSet(StringComparer.Ordinal);
        var label = LabelOf(run.StartedAt);
        var queued = 0;
        for (var number = 1; number <= run.BatchCount; number++)
        {
            if (!done.Contains(RunSteps.Batch(number)))
            {
                Queue().EnqueueBatch(new AuditBatch(run.RunId, label, number, run.BatchCount, (number - 1) * run.BatchSize, run.BatchSize));
                queued++;
            }
        }

        if (owner is not null)
        {
            await _ledger.CompleteStepAsync(run.RunId, RunSteps.Begin, owner, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }

        return queued;
    }
}
