using Dapper;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Inventory;
using ExchangeSmtpFleet.Core.Storage;

namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>
/// The ledger on SQL Server (<see cref="IJobLedger"/>). Each write runs in a transaction of its own; the locking hints make
/// the check and the write one step, so two servers cannot both take the lock or both own a step.
/// </summary>
internal sealed class SqlServerJobLedger(SqlServerDatabase db) : IJobLedger
{
    private const string TakeAuditLock = """
        UPDATE dbo.audit_lock WITH (UPDLOCK, HOLDLOCK) SET run_id = @runId, taken_at = @now
        WHERE name = N'audit'
          AND (run_id = @runId
               OR EXISTS (SELECT 1 FROM dbo.runs AS r WHERE r.run_id = audit_lock.run_id AND (r.status <> @running OR r.started_at < @staleBefore))
               OR (NOT EXISTS (SELECT 1 FROM dbo.runs AS r WHERE r.run_id = audit_lock.run_id) AND audit_lock.taken_at < @orphanBefore));
        SELECT run_id FROM dbo.audit_lock WHERE name = N'audit';
        """;

    private const string PendingHosts = """
        SELECT h.host_key, h.host, h.port, h.name, h.site, h.owner, h.profile, h.ignore_verbs, h.line_number
        FROM (SELECT run_id, host_key, host, port, name, site, owner, profile, ignore_verbs, line_number FROM dbo.run_hosts
              WHERE run_id = @runId ORDER BY line_number OFFSET @first ROWS FETCH NEXT @count ROWS ONLY) AS h
        WHERE NOT EXISTS (SELECT 1 FROM dbo.results AS r WHERE r.run_id = h.run_id AND r.host_key = h.host_key)
        ORDER BY h.line_number;
        """;

    private const string ClaimStep = """
        INSERT INTO dbo.run_steps (run_id, step, job_id, done_at)
        SELECT @runId, @step, @owner, NULL
        WHERE NOT EXISTS (SELECT 1 FROM dbo.run_steps WITH (UPDLOCK, HOLDLOCK) WHERE run_id = @runId AND step = @step);
        SELECT step, job_id, done_at FROM dbo.run_steps WHERE run_id = @runId AND step = @step;
        """;

    private const string CompleteStep = """
        UPDATE dbo.run_steps WITH (UPDLOCK, HOLDLOCK) SET done_at = COALESCE(done_at, @at) WHERE run_id = @runId AND step = @step;
        IF @@ROWCOUNT = 0
            INSERT INTO dbo.run_steps (run_id, step, job_id, done_at) VALUES (@runId, @step, @owner, @at);
        """;

    private const string ReleaseStep = "DELETE FROM dbo.run_steps WHERE run_id = @runId AND step = @step AND job_id = @owner AND done_at IS NULL;";

    private const string ReleaseOpenSteps = "DELETE FROM dbo.run_steps WHERE run_id = @runId AND done_at IS NULL;";

    private const string Steps = "SELECT step, job_id, done_at FROM dbo.run_steps WHERE run_id = @runId ORDER BY step;";

    private const string PipelineColumns = "run_id, started_at, status, host_count, batch_count, batch_size";

    private const string UnfinishedPipelineRuns = $"""
        SELECT {PipelineColumns} FROM dbo.runs
        WHERE batch_count IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM dbo.run_steps AS s WHERE s.run_id = runs.run_id AND s.step = @reportStep AND s.done_at IS NOT NULL)
        ORDER BY started_at;
        """;

    private const string PipelineRunsWithOpenSteps = $"""
        SELECT {PipelineColumns} FROM dbo.runs
        WHERE batch_count IS NOT NULL
          AND EXISTS (SELECT 1 FROM dbo.run_steps AS s WHERE s.run_id = runs.run_id AND s.done_at IS NULL)
        ORDER BY started_at;
        """;

    private const string PipelineRun = $"SELECT {PipelineColumns} FROM dbo.runs WHERE run_id = @runId AND batch_count IS NOT NULL;";

    private const string MailedAt = "SELECT sent_at FROM dbo.mails WHERE run_id = @runId;";

    private const string RecordMailed = """
        MERGE dbo.mails WITH (HOLDLOCK) AS t
        USING (SELECT @runId AS run_id) AS s ON t.run_id = s.run_id
        WHEN MATCHED THEN UPDATE SET sent_at = @sentAt, recipients = @recipients
        WHEN NOT MATCHED THEN INSERT (run_id, sent_at, recipients) VALUES (@runId, @sentAt, @recipients);
        """;

    public string Description => db.Description;

    public Task<string> TakeAuditLockAsync(string runId, DateTimeOffset now, DateTimeOffset staleBefore, CancellationToken cancellationToken) =>
        db.WriteAsync((c, t) => c.ExecuteScalarAsync<string>(new CommandDefinition(
            TakeAuditLock,
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
            PendingHosts, new { runId, first, count }, cancellationToken: cancellationToken)).ConfigureAwait(false)).Select(StoredRows.ToInventoryHost)], cancellationToken, create: true);

    public Task<StepClaim> ClaimStepAsync(string runId, string stepName, string owner, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) => StoredRows.ToClaim(await c.QuerySingleAsync<StoredRows.Step>(new CommandDefinition(
            ClaimStep, new { runId, step = stepName, owner }, t, cancellationToken: cancellationToken)).ConfigureAwait(false), owner), $"claim the step {stepName}", cancellationToken);

    public Task CompleteStepAsync(string runId, string stepName, string owner, DateTimeOffset at, CancellationToken cancellationToken) =>
        db.WriteAsync((c, t) => c.ExecuteAsync(new CommandDefinition(
            CompleteStep, new { runId, step = stepName, owner, at = db.ToDatabase(at) }, t, cancellationToken: cancellationToken)), $"record the step {stepName}", cancellationToken);

    public Task ReleaseStepAsync(string runId, string stepName, string owner, CancellationToken cancellationToken) =>
        db.WriteAsync((c, t) => c.ExecuteAsync(new CommandDefinition(
            ReleaseStep, new { runId, step = stepName, owner }, t, cancellationToken: cancellationToken)), $"release the step {stepName}", cancellationToken);

    public Task ReleaseOpenStepsAsync(string runId, CancellationToken cancellationToken) =>
        db.WriteAsync((c, t) => c.ExecuteAsync(new CommandDefinition(
            ReleaseOpenSteps, new { runId }, t, cancellationToken: cancellationToken)), "release the steps", cancellationToken);

    public Task<IReadOnlyList<RunStep>> StepsAsync(string runId, CancellationToken cancellationToken) => db.ReadAsync(async c =>
        (IReadOnlyList<RunStep>)[.. (await c.QueryAsync<StoredRows.Step>(new CommandDefinition(
            Steps, new { runId }, cancellationToken: cancellationToken)).ConfigureAwait(false)).Select(StoredRows.ToStep)], cancellationToken, create: true);

    public Task<IReadOnlyList<PipelineRun>> UnfinishedPipelineRunsAsync(CancellationToken cancellationToken) => db.ReadAsync(async c =>
        (IReadOnlyList<PipelineRun>)[.. (await c.QueryAsync<StoredRows.Pipeline>(new CommandDefinition(
            UnfinishedPipelineRuns, new { reportStep = RunSteps.Report }, cancellationToken: cancellationToken)).ConfigureAwait(false)).Select(StoredRows.ToPipelineRun)],
        cancellationToken);

    public Task<IReadOnlyList<PipelineRun>> PipelineRunsWithOpenStepsAsync(CancellationToken cancellationToken) => db.ReadAsync(async c =>
        (IReadOnlyList<PipelineRun>)[.. (await c.QueryAsync<StoredRows.Pipeline>(new CommandDefinition(
            PipelineRunsWithOpenSteps, cancellationToken: cancellationToken)).ConfigureAwait(false)).Select(StoredRows.ToPipelineRun)],
        cancellationToken);

    public Task<PipelineRun?> PipelineRunAsync(string runId, CancellationToken cancellationToken) => db.ReadAsync(async c =>
        await c.QuerySingleOrDefaultAsync<StoredRows.Pipeline>(new CommandDefinition(PipelineRun, new { runId }, cancellationToken: cancellationToken))
            .ConfigureAwait(false) is { } row ? StoredRows.ToPipelineRun(row) : null, cancellationToken, create: true);

    public Task<DateTimeOffset?> MailedAtAsync(string runId, CancellationToken cancellationToken) => db.ReadAsync(async c =>
        StoreDatabase.NullableTimestamp(await c.ExecuteScalarAsync<object?>(new CommandDefinition(
            MailedAt, new { runId }, cancellationToken: cancellationToken)).ConfigureAwait(false)), cancellationToken, create: true);

    public Task RecordMailedAsync(string runId, DateTimeOffset sentAt, string recipients, CancellationToken cancellationToken) =>
        db.WriteAsync((c, t) => c.ExecuteAsync(new CommandDefinition(
            RecordMailed, new { runId, sentAt = db.ToDatabase(sentAt), recipients }, t, cancellationToken: cancellationToken)), "record the mail", cancellationToken);
}
