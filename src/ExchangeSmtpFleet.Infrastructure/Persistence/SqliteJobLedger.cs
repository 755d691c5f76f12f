using Dapper;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Inventory;
using ExchangeSmtpFleet.Core.Storage;

namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>
/// The ledger on SQLite (<see cref="IJobLedger"/>): each write in a transaction of its own, and SQLite's transactions are
/// BEGIN IMMEDIATE (one writer at a time), so a check and the write it guards are one step.
/// </summary>
internal sealed class SqliteJobLedger(SqliteDatabase db) : IJobLedger
{
    private const string PipelineColumns = "run_id, started_at, status, host_count, batch_count, batch_size";

    public string Description => db.Description;

    public Task<string> TakeAuditLockAsync(string runId, DateTimeOffset now, DateTimeOffset staleBefore, CancellationToken cancellationToken) =>
        db.WriteAsync((c, t) => c.ExecuteScalarAsync<string>(new CommandDefinition(
            """
            UPDATE audit_lock SET run_id = @runId, taken_at = @now
            WHERE name = 'audit'
              AND (run_id = @runId
                   OR EXISTS (SELECT 1 FROM runs WHERE runs.run_id = audit_lock.run_id AND (runs.status <> @running OR runs.started_at < @staleBefore))
                   OR (NOT EXISTS (SELECT 1 FROM runs WHERE runs.run_id = audit_lock.run_id) AND audit_lock.taken_at < @orphanBefore));
            SELECT run_id FROM audit_lock WHERE name = 'audit';
            """,
            new
            {
                runId,
                now = db.ToDatabase(now),
                staleBefore = db.ToDatabase(staleBefore),
                orphanBefore = db.ToDatabase(now - StoreDatabase.OrphanedLock),
                running = nameof(AuditRunStatus.Running),
            },
            t, cancellationToken: cancellationToken)), "take the audit lock", cancellationToken)!;

    public Task<IReadOnlyList<InventoryHost>> PendingHostsAsync(string runId, int first, int count, CancellationToken cancellationToken) => db.ReadAsync(async c =>
        (IReadOnlyList<InventoryHost>)[.. (await c.QueryAsync<StoredRows.PendingHost>(new CommandDefinition(
            """
            SELECT h.host_key, h.host, h.port, h.name, h.site, h.owner, h.profile, h.ignore_verbs, h.line_number
            FROM (SELECT * FROM run_hosts WHERE run_id = @runId ORDER BY line_number LIMIT @count OFFSET @first) AS h
            WHERE NOT EXISTS (SELECT 1 FROM results r WHERE r.run_id = h.run_id AND r.host_key = h.host_key)
            ORDER BY h.line_number
            """, new { runId, first, count }, cancellationToken: cancellationToken)).ConfigureAwait(false)).Select(StoredRows.ToInventoryHost)], cancellationToken, create: true);

    public Task<StepClaim> ClaimStepAsync(string runId, string stepName, string owner, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) => StoredRows.ToClaim(await c.QuerySingleAsync<StoredRows.Step>(new CommandDefinition(
            """
            INSERT INTO run_steps (run_id, step, job_id, done_at) VALUES (@runId, @step, @owner, NULL) ON CONFLICT (run_id, step) DO NOTHING;
            SELECT step, job_id, done_at FROM run_steps WHERE run_id = @runId AND step = @step;
            """, new { runId, step = stepName, owner }, t, cancellationToken: cancellationToken)).ConfigureAwait(false), owner), $"claim the step {stepName}", cancellationToken);

    public Task CompleteStepAsync(string runId, string stepName, string owner, DateTimeOffset at, CancellationToken cancellationToken) =>
        db.WriteAsync((c, t) => c.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO run_steps (run_id, step, job_id, done_at) VALUES (@runId, @step, @owner, @at)
            ON CONFLICT (run_id, step) DO UPDATE SET done_at = COALESCE(run_steps.done_at, excluded.done_at)
            """, new { runId, step = stepName, owner, at = db.ToDatabase(at) }, t, cancellationToken: cancellationToken)), $"record the step {stepName}", cancellationToken);

    public Task ReleaseStepAsync(string runId, string stepName, string owner, CancellationToken cancellationToken) =>
        db.WriteAsync((c, t) => c.ExecuteAsync(new CommandDefinition(
            "DELETE FROM run_steps WHERE run_id = @runId AND step = @step AND job_id = @owner AND done_at IS NULL",
            new { runId, step = stepName, owner }, t, cancellationToken: cancellationToken)), $"release the step {stepName}", cancellationToken);

    public Task ReleaseOpenStepsAsync(string runId, CancellationToken cancellationToken) =>
        db.WriteAsync((c, t) => c.ExecuteAsync(new CommandDefinition(
            "DELETE FROM run_steps WHERE run_id = @runId AND done_at IS NULL", new { runId }, t, cancellationToken: cancellationToken)),
            "release the steps", cancellationToken);

    public Task<IReadOnlyList<RunStep>> StepsAsync(string runId, CancellationToken cancellationToken) => db.ReadAsync(async c =>
        (IReadOnlyList<RunStep>)[.. (await c.QueryAsync<StoredRows.Step>(new CommandDefinition(
            "SELECT step, job_id, done_at FROM run_steps WHERE run_id = @runId ORDER BY step", new { runId }, cancellationToken: cancellationToken))
            .ConfigureAwait(false)).Select(StoredRows.ToStep)], cancellationToken, create: true);

    public Task<IReadOnlyList<PipelineRun>> UnfinishedPipelineRunsAsync(CancellationToken cancellationToken) => db.ReadAsync(async c =>
        (IReadOnlyList<PipelineRun>)[.. (await c.QueryAsync<StoredRows.Pipeline>(new CommandDefinition(
            $"""
            SELECT {PipelineColumns} FROM runs
            WHERE batch_count IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM run_steps s WHERE s.run_id = runs.run_id AND s.step = @reportStep AND s.done_at IS NOT NULL)
            ORDER BY started_at
            """, new { reportStep = RunSteps.Report }, cancellationToken: cancellationToken)).ConfigureAwait(false)).Select(StoredRows.ToPipelineRun)], cancellationToken, create: true);

    public Task<IReadOnlyList<PipelineRun>> PipelineRunsWithOpenStepsAsync(CancellationToken cancellationToken) => db.ReadAsync(async c =>
        (IReadOnlyList<PipelineRun>)[.. (await c.QueryAsync<StoredRows.Pipeline>(new CommandDefinition(
            $"""
            SELECT {PipelineColumns} FROM runs
            WHERE batch_count IS NOT NULL
              AND EXISTS (SELECT 1 FROM run_steps s WHERE s.run_id = runs.run_id AND s.done_at IS NULL)
            ORDER BY started_at
            """, cancellationToken: cancellationToken)).ConfigureAwait(false)).Select(StoredRows.ToPipelineRun)], cancellationToken, create: true);

    public Task<PipelineRun?> PipelineRunAsync(string runId, CancellationToken cancellationToken) => db.ReadAsync(async c =>
        await c.QuerySingleOrDefaultAsync<StoredRows.Pipeline>(new CommandDefinition(
            $"SELECT {PipelineColumns} FROM runs WHERE run_id = @runId AND batch_count IS NOT NULL", new { runId }, cancellationToken: cancellationToken))
            .ConfigureAwait(false) is { } row ? StoredRows.ToPipelineRun(row) : null, cancellationToken, create: true);

    public Task<DateTimeOffset?> MailedAtAsync(string runId, CancellationToken cancellationToken) => db.ReadAsync(async c =>
        StoreDatabase.NullableTimestamp(await c.ExecuteScalarAsync<object?>(new CommandDefinition(
            "SELECT sent_at FROM mails WHERE run_id = @runId", new { runId }, cancellationToken: cancellationToken)).ConfigureAwait(false)), cancellationToken, create: true);

    public Task RecordMailedAsync(string runId, DateTimeOffset sentAt, string recipients, CancellationToken cancellationToken) =>
        db.WriteAsync((c, t) => c.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO mails (run_id, sent_at, recipients) VALUES (@runId, @sentAt, @recipients)
            ON CONFLICT (run_id) DO UPDATE SET sent_at = excluded.sent_at, recipients = excluded.recipients
            """, new { runId, sentAt = db.ToDatabase(sentAt), recipients }, t, cancellationToken: cancellationToken)), "record the mail", cancellationToken);
}
