namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>The statements of the job pipeline's bookkeeping (<see cref="Core.Storage.IRunLedger"/>) in one SQL dialect.</summary>
/// <param name="TakeLock">Takes the audit lock for @runId at @now unless held (see the interface); then selects the holder's run_id.</param>
/// <param name="SetBatches">Sets @batchCount and @batchSize of @runId.</param>
/// <param name="PendingHosts">The inventory rows of @runId at positions @first.. (@count of them) without a result, in file order.</param>
/// <param name="ClaimStep">Inserts step @step of @runId owned by @jobId unless it exists; then selects its job_id and done_at.</param>
/// <param name="CompleteStep">Marks step @step of @runId done at @at (inserting it, owned by @jobId, when missing).</param>
/// <param name="Steps">step, job_id, done_at of every step of @runId.</param>
/// <param name="ReleaseSteps">Deletes the steps of @runId that are not done.</param>
/// <param name="UnfinishedPipelineRuns">Pipeline runs whose report step is not done, oldest first.</param>
/// <param name="PipelineRun">The pipeline run @runId.</param>
/// <param name="FinishRun">Sets @status and @finished of @runId.</param>
internal sealed record LedgerStatements(
    string TakeLock, string SetBatches, string PendingHosts, string ClaimStep, string CompleteStep, string Steps, string ReleaseSteps,
    string UnfinishedPipelineRuns, string PipelineRun, string FinishRun)
{
    /// <summary>The SQLite dialect (transactions are BEGIN IMMEDIATE: one writer at a time).</summary>
    public static readonly LedgerStatements Sqlite = new(
        TakeLock: """
            UPDATE audit_lock SET run_id = @runId, taken_at = @now
            WHERE name = 'audit'
              AND (run_id = @runId
                   OR EXISTS (SELECT 1 FROM runs WHERE runs.run_id = audit_lock.run_id AND (runs.status <> 'Running' OR runs.started_at < @staleBefore))
                   OR (NOT EXISTS (SELECT 1 FROM runs WHERE runs.run_id = audit_lock.run_id) AND audit_lock.taken_at < @orphanBefore));
            SELECT run_id FROM audit_lock WHERE name = 'audit';
            """,
        SetBatches: "UPDATE runs SET batch_count = @batchCount, batch_size = @batchSize WHERE run_id = @runId",
        PendingHosts: """
            SELECT h.host_key, h.host, h.port, h.name, h.site, h.owner, h.profile, h.ignore_verbs, h.line_number
            FROM (SELECT * FROM run_hosts WHERE run_id = @runId ORDER BY line_number LIMIT @count OFFSET @first) AS h
            WHERE NOT EXISTS (SELECT 1 FROM results r WHERE r.run_id = h.run_id AND r.host_key = h.host_key)
            ORDER BY h.line_number
            """,
        ClaimStep: """
            INSERT INTO run_steps (run_id, step, job_id, done_at) VALUES (@runId, @step, @jobId, NULL) ON CONFLICT (run_id, step) DO NOTHING;
            SELECT job_id, done_at FROM run_steps WHERE run_id = @runId AND step = @step;
            """,
        CompleteStep: """
            INSERT INTO run_steps (run_id, step, job_id, done_at) VALUES (@runId, @step, @jobId, @at)
            ON CONFLICT (run_id, step) DO UPDATE SET done_at = COALESCE(run_steps.done_at, excluded.done_at)
            """,
        Steps: "SELECT step, job_id, done_at FROM run_steps WHERE run_id = @runId ORDER BY step",
        ReleaseSteps: "DELETE FROM run_steps WHERE run_id = @runId AND done_at IS NULL",
        UnfinishedPipelineRuns: """
            SELECT run_id, started_at, status, host_count, batch_count, batch_size FROM runs
            WHERE batch_count IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM run_steps s WHERE s.run_id = runs.run_id AND s.step = 'report' AND s.done_at IS NOT NULL)
            ORDER BY started_at
            """,
        PipelineRun: "SELECT run_id, started_at, status, host_count, batch_count, batch_size FROM runs WHERE run_id = @runId AND batch_count IS NOT NULL",
        FinishRun: "UPDATE runs SET status = @status, finished_at = @finished WHERE run_id = @runId");

    /// <summary>The T-SQL dialect (the statements are in <see cref="SqlServerStatements"/>, where the tests parse them).</summary>
    public static readonly LedgerStatements SqlServer = new(
        SqlServerStatements.TakeAuditLock, SqlServerStatements.SetBatches, SqlServerStatements.PendingHosts, SqlServerStatements.ClaimStep,
        SqlServerStatements.CompleteStep, SqlServerStatements.Steps, SqlServerStatements.ReleaseSteps, SqlServerStatements.UnfinishedPipelineRuns,
        SqlServerStatements.PipelineRun, SqlServerStatements.FinishPipelineRun);
}
