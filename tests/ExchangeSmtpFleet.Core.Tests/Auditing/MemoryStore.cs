using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Inventory;
using ExchangeSmtpFleet.Core.Storage;

namespace ExchangeSmtpFleet.Core.Tests.Auditing;

/// <summary>
/// The storage roles in memory, with the semantics the contract suite holds the real dialects to: runs keyed by id, results
/// by run and host (a host written again replaces itself), steps owned by their first claimant until done, the audit lock.
/// It can be told to fail as a database does.
/// </summary>
internal sealed class MemoryStore : IRunWriter, IAuditHistory, IJobLedger
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Run> _runs = new(StringComparer.Ordinal);
    private readonly Dictionary<(string RunId, string Step), RunStep> _steps = [];
    private readonly Dictionary<string, DateTimeOffset> _mails = new(StringComparer.Ordinal);
    private (string RunId, DateTimeOffset TakenAt) _lock = (string.Empty, DateTimeOffset.MinValue);

    public string Description => "memory store";

    /// <summary>A result sink that throws once this many results of this store are written (all sinks together).</summary>
    public int FailAfterResults { get; set; } = int.MaxValue;

    /// <summary>Every call throws, as a database that is gone.</summary>
    public bool Down { get; set; }

    public int ResultsWritten { get; private set; }

    public int SinksOpened { get; private set; }

    public IReadOnlyDictionary<string, HostOutcome> ResultsOf(string runId)
    {
        lock (_gate)
        {
            return _runs[runId].Results.ToImmutableDictionary();
        }
    }

    public AuditRunStatus StatusOf(string runId)
    {
        lock (_gate)
        {
            return _runs[runId].Status;
        }
    }

    public Task BeginRunAsync(AuditRun run, InventoryReadResult inventory, RunBatches? batches, CancellationToken cancellationToken) => Do(() =>
    {
        if (_runs.TryGetValue(run.RunId, out var existing))
        {
            existing.Status = AuditRunStatus.Running;
            existing.Batches = batches;
        }
        else
        {
            _runs[run.RunId] = new Run(run, [.. inventory.Hosts]) { Batches = batches };
        }

        return true;
    });

    public IResultSink OpenResultSink(string runId, DateTimeOffset startedAt)
    {
        SinksOpened++;
        return new Sink(this, runId);
    }

    public Task<FinishedRun?> FinishRunAsync(string runId, AuditRunStatus status, DateTimeOffset finishedAt, CancellationToken cancellationToken) => Do(() =>
    {
        if (!_runs.TryGetValue(runId, out var run))
        {
            return (FinishedRun?)null;
        }

        var missing = run.Hosts.Where(h => !run.Results.ContainsKey(h.Key)).ToList();
        if (run.Status == AuditRunStatus.Running)
        {
            run.Status = status == AuditRunStatus.Completed && missing.Count > 0 ? AuditRunStatus.Failed : status;
            run.FinishedAt = finishedAt;
        }

        return new FinishedRun(run.Status, run.FinishedAt, missing.Count, missing.FirstOrDefault()?.Key);
    });

    public Task<IReadOnlyList<StoredRun>> ListRunsAsync(int limit, CancellationToken cancellationToken) =>
        Do(() => (IReadOnlyList<StoredRun>)[.. _runs.Values.OrderByDescending(r => r.Audit.StartedAt).Take(limit).Select(Stored)]);

    public Task<StoredRun?> FindRunAsync(string runId, CancellationToken cancellationToken) => Do(() =>
        runId == "latest" ? _runs.Values.OrderByDescending(r => r.Audit.StartedAt).Select(Stored).FirstOrDefault()
        : _runs.TryGetValue(runId, out var run) ? Stored(run) : null);

    public Task<StoredRun?> LatestCompletedRunAsync(CancellationToken cancellationToken) =>
        Do(() => _runs.Values.Where(r => r.Status == AuditRunStatus.Completed).OrderByDescending(r => r.Audit.StartedAt).Select(Stored).FirstOrDefault());

    public async IAsyncEnumerable<StoredResult> ReadResultsAsync(string runId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var results = await Do(() => _runs[runId].Hosts.Where(h => _runs[runId].Results.ContainsKey(h.Key)).Select(h => _runs[runId].Results[h.Key]).ToList())
            .ConfigureAwait(false);
        foreach (var outcome in results)
        {
            var h = outcome.Host;
            var c = outcome.Classification;
            yield return new StoredResult(h.Key, h.Host, h.Port, h.Name, h.Site, h.Owner, h.Profile, c.Verdict, c.Reason, c.Family, c.Banner, c.Missing, c.Detail,
                outcome.Probe.StartedAt, null, null);
        }
    }

    public IAsyncEnumerable<(string HostKey, ImmutableArray<string> Keywords)> ReadKeywordsAsync(string runId, CancellationToken cancellationToken) =>
        AsyncEnumerable.Empty<(string, ImmutableArray<string>)>();

    public IAsyncEnumerable<StoredEvidence> ReadEvidenceAsync(string runId, CancellationToken cancellationToken) => AsyncEnumerable.Empty<StoredEvidence>();

    public Task<IReadOnlyList<StoredProblem>> InventoryProblemsAsync(string runId, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<StoredProblem>>([]);

    public Task<IReadOnlyList<HostHistoryEntry>> HistoryAsync(string hostKey, int limit, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<HostHistoryEntry>>([]);

    public Task<IReadOnlyList<string>> HostKeysNamedAsync(string name, CancellationToken cancellationToken) =>
        Do(() => (IReadOnlyList<string>)[.. _runs.Values.SelectMany(r => r.Hosts).Where(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Key).Distinct().Order()]);

    public Task<IReadOnlyList<LackingHost>> LackingAsync(string runId, string keyword, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<LackingHost>>([]);

    public Task<RunChanges> ChangesAsync(string runId, string? sinceRunId, CancellationToken cancellationToken) => Task.FromResult(new RunChanges(runId, sinceRunId, []));

    public Task<IReadOnlyList<string>> HostsWithoutResultAsync(string runId, CancellationToken cancellationToken) =>
        Do(() => (IReadOnlyList<string>)[.. _runs[runId].Hosts.Where(h => !_runs[runId].Results.ContainsKey(h.Key)).Select(h => h.Key)]);

    public Task<string> TakeAuditLockAsync(string runId, DateTimeOffset now, DateTimeOffset staleBefore, CancellationToken cancellationToken) => Do(() =>
    {
        var holder = _lock.RunId;
        var free = holder == runId
            || (_runs.TryGetValue(holder, out var run) ? run.Status != AuditRunStatus.Running || run.Audit.StartedAt < staleBefore : _lock.TakenAt < now.AddMinutes(-10));
        if (free)
        {
            _lock = (runId, now);
        }

        return _lock.RunId;
    });

    public Task<IReadOnlyList<InventoryHost>> PendingHostsAsync(string runId, int first, int count, CancellationToken cancellationToken) =>
        Do(() => (IReadOnlyList<InventoryHost>)[.. _runs[runId].Hosts.Skip(first).Take(count).Where(h => !_runs[runId].Results.ContainsKey(h.Key))]);

    public Task<StepClaim> ClaimStepAsync(string runId, string stepName, string owner, CancellationToken cancellationToken) => Do(() =>
    {
        if (!_steps.TryGetValue((runId, stepName), out var step))
        {
            _steps[(runId, stepName)] = step = new RunStep(stepName, owner, null);
        }

        return new StepClaim(step.DoneAt is not null ? StepClaimKind.Done : step.JobId == owner ? StepClaimKind.Claimed : StepClaimKind.Taken, step.JobId);
    });

    public Task CompleteStepAsync(string runId, string stepName, string owner, DateTimeOffset at, CancellationToken cancellationToken) => Do(() =>
    {
        _steps[(runId, stepName)] = _steps.TryGetValue((runId, stepName), out var step) ? step with { DoneAt = step.DoneAt ?? at } : new RunStep(stepName, owner, at);
        return true;
    });

    public Task ReleaseStepAsync(string runId, string stepName, string owner, CancellationToken cancellationToken) => Do(() =>
        _steps.TryGetValue((runId, stepName), out var step) && step.JobId == owner && step.DoneAt is null && _steps.Remove((runId, stepName)));

    public Task ReleaseOpenStepsAsync(string runId, CancellationToken cancellationToken) => Do(() =>
    {
        foreach (var key in _steps.Where(s => s.Key.RunId == runId && s.Value.DoneAt is null).Select(s => s.Key).ToList())
        {
            _steps.Remove(key);
        }

        return true;
    });

    public Task<IReadOnlyList<RunStep>> StepsAsync(string runId, CancellationToken cancellationToken) =>
        Do(() => (IReadOnlyList<RunStep>)[.. _steps.Where(s => s.Key.RunId == runId).Select(s => s.Value).OrderBy(s => s.Step, StringComparer.Ordinal)]);

    public Task<IReadOnlyList<PipelineRun>> UnfinishedPipelineRunsAsync(CancellationToken cancellationToken) => Do(() =>
        (IReadOnlyList<PipelineRun>)[.. _runs.Values
            .Where(r => r.Batches is not null && !(_steps.TryGetValue((r.Audit.RunId, RunSteps.Report), out var report) && report.DoneAt is not null))
            .OrderBy(r => r.Audit.StartedAt).Select(Pipeline)]);

    public Task<IReadOnlyList<PipelineRun>> PipelineRunsWithOpenStepsAsync(CancellationToken cancellationToken) => Do(() =>
        (IReadOnlyList<PipelineRun>)[.. _runs.Values
            .Where(r => r.Batches is not null && _steps.Any(s => s.Key.RunId == r.Audit.RunId && s.Value.DoneAt is null))
            .OrderBy(r => r.Audit.StartedAt).Select(Pipeline)]);

    public Task<PipelineRun?> PipelineRunAsync(string runId, CancellationToken cancellationToken) =>
        Do(() => _runs.TryGetValue(runId, out var run) && run.Batches is not null ? Pipeline(run) : null);

    public Task<DateTimeOffset?> MailedAtAsync(string runId, CancellationToken cancellationToken) =>
        Do(() => _mails.TryGetValue(runId, out var at) ? at : (DateTimeOffset?)null);

    public Task RecordMailedAsync(string runId, DateTimeOffset sentAt, string recipients, CancellationToken cancellationToken) => Do(() => _mails[runId] = sentAt);

    private static PipelineRun Pipeline(Run run) =>
        new(run.Audit.RunId, run.Audit.StartedAt, run.Status, run.Hosts.Count, run.Batches!.Count, run.Batches.Size);

    private static StoredRun Stored(Run run) => new(
        run.Audit.RunId, run.Audit.RunId.Split('-')[0], run.Audit.StartedAt, run.FinishedAt, run.Status, run.Audit.InventoryPath, run.Hosts.Count,
        run.Audit.ToolVersion, [.. Enum.GetValues<Verdict>().Select(v => KeyValuePair.Create(v, run.Results.Values.Count(o => o.Classification.Verdict == v)))]);

    private Task<T> Do<T>(Func<T> action)
    {
        lock (_gate)
        {
            return Down ? throw new StoreException($"{Description}: cannot be reached") : Task.FromResult(action());
        }
    }

    private sealed class Run(AuditRun audit, List<InventoryHost> hosts)
    {
        public AuditRun Audit { get; } = audit;

        public List<InventoryHost> Hosts { get; } = hosts;

        public Dictionary<string, HostOutcome> Results { get; } = new(StringComparer.Ordinal);

        public AuditRunStatus Status { get; set; } = AuditRunStatus.Running;

        public DateTimeOffset? FinishedAt { get; set; }

        public RunBatches? Batches { get; set; }
    }

    private sealed class Sink(MemoryStore store, string runId) : IResultSink
    {
        public string Name => store.Description;

        public Task WriteAsync(IReadOnlyList<HostOutcome> batch, CancellationToken cancellationToken) => store.Do(() =>
        {
            // One transaction per batch: all of it, or nothing.
            if (store.ResultsWritten + batch.Count > store.FailAfterResults)
            {
                throw new StoreException($"{store.Description}: cannot store results: the disk is full");
            }

            foreach (var outcome in batch)
            {
                store._runs[runId].Results[outcome.Host.Key] = outcome;
                store.ResultsWritten++;
            }

            return true;
        });

        public Task CompleteAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
