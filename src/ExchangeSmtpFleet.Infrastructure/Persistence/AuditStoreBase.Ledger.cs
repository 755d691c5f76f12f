using Dapper;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Inventory;
using ExchangeSmtpFleet.Core.Storage;

namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>The job pipeline's bookkeeping (<see cref="IRunLedger"/>): the same logic for every dialect, each write in a transaction of its own.</summary>
public abstract partial class AuditStoreBase
{
    /// <summary>A start that took the lock and died before storing its run blocks the next audit this long.</summary>
    private static readonly TimeSpan OrphanedLock = TimeSpan.FromMinutes(10);

    /// <summary>The dialect's ledger statements.</summary>
    private protected abstract LedgerStatements Ledger { get; }

    /// <inheritdoc/>
    public abstract IResultSink CreateBatchSink(string runId);

    /// <inheritdoc/>
    public Task<string> TakeAuditLockAsync(string runId, DateTimeOffset now, DateTimeOffset staleBefore, CancellationToken cancellationToken) =>
        WriteAsync((connection, transaction) => connection.ExecuteScalarAsync<string>(new CommandDefinition(
            Ledger.TakeLock,
            new { runId, now = ToDatabase(now), staleBefore = ToDatabase(staleBefore), orphanBefore = ToDatabase(now - OrphanedLock) },
            transaction, cancellationToken: cancellationToken)), "take the audit lock", cancellationToken)!;

    /// <inheritdoc/>
    public Task SetBatchesAsync(string runId, int batchCount, int batchSize, CancellationToken cancellationToken) =>
        WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            Ledger.SetBatches, new { runId, batchCount, batchSize }, transaction, cancellationToken: cancellationToken)), "record the batches", cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<InventoryHost>> PendingHostsAsync(string runId, int first, int count, CancellationToken cancellationToken) =>
        ReadAsync(async connection =>
        {
            var rows = await connection.QueryAsync<HostRow>(new CommandDefinition(
                Ledger.PendingHosts, new { runId, first, count }, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return (IReadOnlyList<InventoryHost>)[.. rows.Select(r => new InventoryHost
            {
                LineNumber = (int)r.line_number,
                Host = r.host,
                Port = (int)r.port,
                Name = r.name,
                Site = r.site,
                Owner = r.owner,
                Profile = r.profile,
                IgnoreVerbs = StoredText.ParseList(r.ignore_verbs),
            })];
        }, cancellationToken);

    /// <inheritdoc/>
    public Task<StepClaim> ClaimStepAsync(string runId, string stepName, string jobId, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            var row = await connection.QuerySingleAsync<StepRow>(new CommandDefinition(
                Ledger.ClaimStep, new { runId, step = stepName, jobId }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            var kind = row.done_at is not null ? StepClaimKind.Done
                : string.Equals(row.job_id, jobId, StringComparison.Ordinal) ? StepClaimKind.Claimed
                : StepClaimKind.Taken;
            return new StepClaim(kind, row.job_id);
        }, $"claim the step {stepName}", cancellationToken);

    /// <inheritdoc/>
    public Task CompleteStepAsync(string runId, string stepName, string jobId, DateTimeOffset at, CancellationToken cancellationToken) =>
        WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            Ledger.CompleteStep, new { runId, step = stepName, jobId, at = ToDatabase(at) }, transaction, cancellationToken: cancellationToken)),
            $"record the step {stepName}", cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<RunStep>> StepsAsync(string runId, CancellationToken cancellationToken) =>
        ReadAsync(async connection =>
        {
            var rows = await connection.QueryAsync<StepRow>(new CommandDefinition(Ledger.Steps, new { runId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return (IReadOnlyList<RunStep>)[.. rows.Select(r => new RunStep(r.step, r.job_id, r.done_at is null ? null : Timestamp(r.done_at)))];
        }, cancellationToken);

    /// <inheritdoc/>
    public Task ReleaseOpenStepsAsync(string runId, CancellationToken cancellationToken) =>
        WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            Ledger.ReleaseSteps, new { runId }, transaction, cancellationToken: cancellationToken)), "release the steps", cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<PipelineRun>> UnfinishedPipelineRunsAsync(CancellationToken cancellationToken) =>
        ReadAsync(async connection =>
        {
            var rows = await connection.QueryAsync<PipelineRow>(new CommandDefinition(Ledger.UnfinishedPipelineRuns, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return (IReadOnlyList<PipelineRun>)[.. rows.Select(ToPipelineRun)];
        }, cancellationToken);

    /// <inheritdoc/>
    public Task<PipelineRun?> PipelineRunAsync(string runId, CancellationToken cancellationToken) =>
        ReadAsync(async connection =>
        {
            var row = await connection.QuerySingleOrDefaultAsync<PipelineRow>(new CommandDefinition(Ledger.PipelineRun, new { runId }, cancellationToken: cancellationToken))
                .ConfigureAwait(false);
            return row is null ? null : ToPipelineRun(row);
        }, cancellationToken);

    /// <inheritdoc/>
    public Task FinishRunAsync(string runId, AuditRunStatus status, DateTimeOffset finishedAt, CancellationToken cancellationToken) =>
        WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            Ledger.FinishRun, new { runId, status = status.ToString(), finished = ToDatabase(finishedAt) }, transaction, cancellationToken: cancellationToken)),
            "finish the run", cancellationToken);

    private static PipelineRun ToPipelineRun(PipelineRow row) => new(
        row.run_id, Timestamp(row.started_at), Enum.Parse<AuditRunStatus>(row.status), (int)row.host_count, (int)row.batch_count, (int)row.batch_size);

#pragma warning disable IDE1006, SA1300, CA1812 // Dapper fills these by the schema's column names.
    private sealed class HostRow : InventoryColumns
    {
        public string ignore_verbs { get; set; } = string.Empty;

        public long line_number { get; set; }
    }

    private sealed class StepRow
    {
        public string step { get; set; } = string.Empty;

        public string? job_id { get; set; }

        public object? done_at { get; set; }
    }

    private sealed class PipelineRow
    {
        public string run_id { get; set; } = string.Empty;

        public object started_at { get; set; } = string.Empty;

        public string status { get; set; } = string.Empty;

        public long host_count { get; set; }

        public long batch_count { get; set; }

        public long batch_size { get; set; }
    }
#pragma warning restore IDE1006, SA1300, CA1812
}
