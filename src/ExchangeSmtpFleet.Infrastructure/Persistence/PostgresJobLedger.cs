using Dapper;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Inventory;
using ExchangeSmtpFleet.Core.Storage;

namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>
/// The ledger on PostgreSQL (<see cref="IJobLedger"/>), shared by every <c>serve</c> and worker process. Each write runs in a
/// transaction of its own at READ COMMITTED, where every statement sees what was committed before it began; the check
/// and the write it guards are made one step by a row lock or a unique key, never by reading first and writing later:
/// <list type="bullet">
/// <item>the audit lock row is locked (<c>SELECT ... FOR UPDATE</c>) before the decision, so a second taker waits for the
/// first to commit and then decides on what the first wrote;</item>
/// <item>a step is claimed by <c>INSERT ... ON CONFLICT DO NOTHING</c> on its key: of two claims at once one inserts, the
/// other waits for it on the key and inserts nothing, and the SELECT after it reads the winner;</item>
/// <item>marking done and the mail record are single upserts (<c>ON CONFLICT DO UPDATE</c>), atomic by themselves.</item>
/// </list>
/// No statement needs SERIALIZABLE: nothing is decided on rows that could be inserted concurrently without a key to meet
/// on. Every write is idempotent (the same owner may claim, complete or release again), so a transient error (the server
/// restarts, the connection drops) is answered by doing it again (<see cref="PostgresDatabase.WithRetryAsync{T}"/>).
/// </summary>
internal sealed class PostgresJobLedger(PostgresDatabase db) : IJobLedger
{
    /// <summary>
    /// The lock row locked first; the UPDATE that follows is a statement of its own, so it sees the runs as committed by
    /// whoever held the row lock before (a run stored, finished or stale).
    /// </summary>
    private const string TakeAuditLock = """
        SELECT run_id FROM audit_lock WHERE name = 'audit' FOR UPDATE;
        UPDATE audit_lock SET run_id = @runId, taken_at = @now
        WHERE name = 'audit'
          AND (run_id = @runId
               OR EXISTS (SELECT 1 FROM runs AS r WHERE r.run_id = audit_lock.run_id AND (r.status <> @running OR r.started_at < @staleBefore))
               OR (NOT EXISTS (SELECT 1 FROM runs AS r WHERE r.run_id = audit_lock.run_id) AND audit_lock.taken_at < @orphanBefore));
        SELECT run_id FROM audit_lock WHERE name = 'audit';
        """;

    private const string PendingHosts = """
        SELECT h.host_key, h.host, h.port, h.name, h.site, h.owner, h.profile, h.ignore_verbs, h.line_number
        FROM (SELECT run_id, host_key, host, port, name, site, owner, profile, ignore_verbs, line_number FROM run_hosts
              WHERE run_id = @runId ORDER BY line_number LIMIT @count OFFSET @first) AS h
        WHERE NOT EXISTS (SELECT 1 FROM results AS r WHERE r.run_id = h.run_id AND r.host_key = h.host_key)
        ORDER BY h.line_number;
        """;

    private const string ClaimStep = """
        INSERT INTO run_steps (run_id, step, job_id, done_at) VALUES (@runId, @step, @owner, NULL) ON CONFLICT (run_id, step) DO NOTHING;
        SELECT step, job_id, done_at FROM run_steps WHERE run_id = @runId AND step = @step;
        """;

    private const string CompleteStep = """
        INSERT INTO run_steps AS s (run_id, step, job_id, done_at) VALUES (@runId, @step, @owner, @at)
        ON CONFLICT (run_id, step) DO UPDATE SET done_at = COALESCE(s.done_at, excluded.done_at);
        """;

    private const string ReleaseStep = "DELETE FROM run_steps WHERE run_id = @runId AND step = @step AND job_id = @owner AND done_at IS NULL;";

    private const string ReleaseOpenSteps = "DELETE FROM run_steps WHERE run_id = @runId AND done_at IS NULL;";

    private const string Steps = "SELECT step, job_id, done_at FROM run_steps WHERE run_id = @runId ORDER BY step;";

    private const string PipelineColumns = "run_id, started_at, status, host_count, batch_count, batch_size";

    private const string UnfinishedPipelineRuns = $"""
        SELECT {PipelineColumns} FROM runs
        WHERE batch_count IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM run_steps AS s WHERE s.run_id = runs.run_id AND s.step = @reportStep AND s.done_at IS NOT NULL)
        ORDER BY started_at;
        """;

    private const string PipelineRunsWithOpenSteps = $"""
        SELECT {PipelineColumns} FROM runs
        WHERE batch_count IS NOT NULL
          AND EXISTS (SELECT 1 FROM run_steps AS s WHERE s.run_id = runs.run_id AND s.done_at IS NULL)
        ORDER BY started_at;
        """;

    private const string PipelineRun = $"SELECT {PipelineColumns} FROM runs WHERE run_id = @runId AND batch_count IS NOT NULL;";

    private const string MailedAt = "SELECT sent_at FROM mails WHERE run_id = @runId;";

    private const string RecordMailed = """
        INSERT INTO mails (run_id, sent_at, recipients) VALUES (@runId, @sentAt, @recipients)
        ON CONFLICT (run_id) DO UPDATE SET sent_at = excluded.sent_at, recipients = excluded.recipients;
        """;

    public string Description => db.Description;

    public async Task<string> TakeAuditLockAsync(string runId, DateTimeOffset now, DateTimeOffset staleBefore, CancellationToken cancellationToken) =>
        await db.RetryWriteAsync(async (c, t) =>
        {
            using var reader = await c.QueryMultipleAsync(new CommandDefinition(TakeAuditLock, new
            {
                runId,
                now = db.ToDatabase(now),
                staleBefore = db.ToDatabase(staleBefore),
                orphanBefore = db.ToDatabase(now - StoreDatabase.OrphanedLock),
                running = nameof(AuditRunStatus.Running),
            }, t, cancellationToken: cancellationToken)).ConfigureAwait(false);
            _ = await reader.ReadSingleAsync<string>().ConfigureAwait(false);
            return await reader.ReadSingleAsync<string>().ConfigureAwait(false);
        }, "take the audit lock", cancellationToken).ConfigureAwait(false);

    public Task<IReadOnlyList<InventoryHost>> PendingHostsAsync(string runId, int first, int count, CancellationToken cancellationToken) => db.ReadAsync(async c =>
        (IReadOnlyList<InventoryHost>)[.. (await c.QueryAsync<StoredRows.PendingHost>(new CommandDefinition(
            PendingHosts, new { runId, first, count }, cancellationToken: cancellationToken)).ConfigureAwait(false)).Select(StoredRows.ToInventoryHost)], cancellationToken, create: true);

    public Task<StepClaim> ClaimStepAsync(string runId, string stepName, string owner, CancellationToken cancellationToken) =>
        db.RetryWriteAsync(async (c, t) => StoredRows.ToClaim(await c.QuerySingleAsync<StoredRows.Step>(new CommandDefinition(
            ClaimStep, new { runId, step = stepName, owner }, t, cancellationToken: cancellationToken)).ConfigureAwait(false), owner), $"claim the step {stepName}", cancellationToken);

    public Task CompleteStepAsync(string runId, string stepName, string owner, DateTimeOffset at, CancellationToken cancellationToken) =>
        db.RetryWriteAsync((c, t) => c.ExecuteAsync(new CommandDefinition(
            CompleteStep, new { runId, step = stepName, owner, at = db.ToDatabase(at) }, t, cancellationToken: cancellationToken)), $"record the step {stepName}", cancellationToken);

    public Task ReleaseStepAsync(string runId, string stepName, string owner, CancellationToken cancellationToken) =>
        db.RetryWriteAsync((c, t) => c.ExecuteAsync(new CommandDefinition(
            ReleaseStep, new { runId, step = stepName, owner }, t, cancellationToken: cancellationToken)), $"release the step {stepName}", cancellationToken);

    public Task ReleaseOpenStepsAsync(string runId, CancellationToken cancellationToken) =>
        db.RetryWriteAsync((c, t) => c.ExecuteAsync(new CommandDefinition(
            ReleaseOpenSteps, new { runId }, t, cancellationToken: cancellationToken)), "release the steps", cancellationToken);

    public Task<IReadOnlyList<RunStep>> StepsAsync(string runId, CancellationToken cancellationToken) => db.ReadAsync(async c =>
        (IReadOnlyList<RunStep>)[.. (await c.QueryAsync<StoredRows.Step>(new CommandDefinition(
            Steps, new { runId }, cancellationToken: cancellationToken)).ConfigureAwait(false)).Select(StoredRows.ToStep)], cancellationToken, create: true);

    public Task<IReadOnlyList<PipelineRun>> UnfinishedPipelineRunsAsync(CancellationToken cancellationToken) => db.ReadAsync(async c =>
        (IReadOnlyList<PipelineRun>)[.. (await c.QueryAsync<StoredRows.Pipeline>(new CommandDefinition(
            UnfinishedPipelineRuns, new { reportStep = RunSteps.Report }, cancellationToken: cancellationToken)).ConfigureAwait(false)).Select(StoredRows.ToPipelineRun)],
        cancellationToken, create: true);

    public Task<IReadOnlyList<PipelineRun>> PipelineRunsWithOpenStepsAsync(CancellationToken cancellationToken) => db.ReadAsync(async c =>
        (IReadOnlyList<PipelineRun>)[.. (await c.QueryAsync<StoredRows.Pipeline>(new CommandDefinition(
            PipelineRunsWithOpenSteps, cancellationToken: cancellationToken)).ConfigureAwait(false)).Select(StoredRows.ToPipelineRun)],
        cancellationToken, create: true);

    public Task<PipelineRun?> PipelineRunAsync(string runId, CancellationToken cancellationToken) => db.ReadAsync(async c =>
        await c.QuerySingleOrDefaultAsync<StoredRows.Pipeline>(new CommandDefinition(PipelineRun, new { runId }, cancellationToken: cancellationToken))
            .ConfigureAwait(false) is { } row ? StoredRows.ToPipelineRun(row) : null, cancellationToken, create: true);

    public Task<DateTimeOffset?> MailedAtAsync(string runId, CancellationToken cancellationToken) => db.ReadAsync(async c =>
        StoreDatabase.NullableTimestamp(await c.ExecuteScalarAsync<object?>(new CommandDefinition(
            MailedAt, new { runId }, cancellationToken: cancellationToken)).ConfigureAwait(false)), cancellationToken, create: true);

    public Task RecordMailedAsync(string runId, DateTimeOffset sentAt, string recipients, CancellationToken cancellationToken) =>
        db.RetryWriteAsync((c, t) => c.ExecuteAsync(new CommandDefinition(
            RecordMailed, new { runId, sentAt = db.ToDatabase(sentAt), recipients }, t, cancellationToken: cancellationToken)), "record the mail", cancellationToken);
}
