using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Inventory;
using ExchangeSmtpFleet.Core.Storage;
using Microsoft.Data.Sqlite;

namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>
/// The run writer on SQLite (<see cref="IRunWriter"/>). Plain statements on the connection's handle, not Dapper: a scan
/// writes through here, and Dapper's first use costs a fresh process more CPU than the writes themselves (BENCHMARKS.md,
/// issue 9).
/// </summary>
internal sealed class SqliteRunWriter(SqliteDatabase db) : IRunWriter
{
    public string Description => db.Description;

    public async Task BeginRunAsync(AuditRun run, InventoryReadResult inventory, RunBatches? batches, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(inventory);
        await using var connection = await db.OpenSqliteAsync(cancellationToken).ConfigureAwait(false);
        await db.Guard(async () =>
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var row = RunParameters.Of(run, inventory, StoredText.Timestamp(run.StartedAt));
            using (var insertRun = new SqliteStatement(connection,
                """
                INSERT INTO runs (run_id, kind, started_at, finished_at, status, inventory_path, inventory_hash, host_count, problem_count,
                                  disabled_count, concurrency, probe_options, tool_version, batch_count, batch_size)
                VALUES (@runId, @kind, @startedAt, NULL, @status, @inventoryPath, @inventoryHash, @hostCount, @problemCount, @disabledCount,
                        @concurrency, @probeOptions, @toolVersion, @batchCount, @batchSize)
                ON CONFLICT (run_id) DO UPDATE SET status = excluded.status, finished_at = NULL,
                                                   batch_count = excluded.batch_count, batch_size = excluded.batch_size
                """,
                "@runId", "@kind", "@startedAt", "@status", "@inventoryPath", "@inventoryHash", "@hostCount", "@problemCount", "@disabledCount",
                "@concurrency", "@probeOptions", "@toolVersion", "@batchCount", "@batchSize"))
            {
                insertRun.Text(0, row.RunId).Text(1, row.Kind).Text(2, (string)row.StartedAt).Text(3, row.Status).Text(4, row.InventoryPath)
                    .Text(5, row.InventoryHash).Integer(6, row.HostCount).Integer(7, row.ProblemCount).Integer(8, row.DisabledCount)
                    .Integer(9, row.Concurrency).Text(10, row.ProbeOptions).Text(11, row.ToolVersion);
                if (batches is null)
                {
                    insertRun.Null(12).Null(13);
                }
                else
                {
                    insertRun.Integer(12, batches.Count).Integer(13, batches.Size);
                }

                insertRun.Run();
            }

            // The run's inventory snapshot and problems: one prepared statement each, many rows.
            using (var insertHost = new SqliteStatement(connection,
                """
                INSERT OR REPLACE INTO run_hosts (run_id, host_key, host, port, name, site, owner, profile, ignore_verbs, line_number)
                VALUES (@runId, @hostKey, @host, @port, @name, @site, @owner, @profile, @ignoreVerbs, @lineNumber)
                """, "@runId", "@hostKey", "@host", "@port", "@name", "@site", "@owner", "@profile", "@ignoreVerbs", "@lineNumber"))
            {
                foreach (var host in inventory.Hosts)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    insertHost.Text(0, run.RunId).Text(1, host.Key).Text(2, host.Host).Integer(3, host.Port)
                        .Text(4, StoredLimits.Cut(host.Name, StoredLimits.Label)).Text(5, StoredLimits.Cut(host.Site, StoredLimits.Label))
                        .Text(6, StoredLimits.Cut(host.Owner, StoredLimits.Label)).Text(7, host.Profile).Text(8, StoredText.List(host.IgnoreVerbs)).Integer(9, host.LineNumber).Run();
                }
            }

            using (var insertProblem = new SqliteStatement(connection,
                "INSERT OR REPLACE INTO inventory_problems (run_id, position, line_number, reason, raw_text) VALUES (@runId, @position, @lineNumber, @reason, @rawText)",
                "@runId", "@position", "@lineNumber", "@reason", "@rawText"))
            {
                for (var i = 0; i < inventory.Problems.Length; i++)
                {
                    var problem = inventory.Problems[i];
                    insertProblem.Text(0, run.RunId).Integer(1, i).Integer(2, problem.LineNumber).Text(3, problem.Reason).Text(4, problem.RawText).Run();
                }
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, "store the run").ConfigureAwait(false);
    }

    public IResultSink OpenResultSink(string runId, DateTimeOffset startedAt) => new SqliteResultSink(db, runId, startedAt);

    public async Task<FinishedRun?> FinishRunAsync(string runId, AuditRunStatus status, DateTimeOffset finishedAt, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenSqliteAsync(cancellationToken).ConfigureAwait(false);
        return await db.Guard(async () =>
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            using (var finish = new SqliteStatement(connection,
                """
                UPDATE runs SET finished_at = @finishedAt,
                    status = CASE WHEN @status = @completed AND EXISTS (
                                      SELECT 1 FROM run_hosts h WHERE h.run_id = runs.run_id
                                        AND NOT EXISTS (SELECT 1 FROM results r WHERE r.run_id = h.run_id AND r.host_key = h.host_key))
                                  THEN @failed ELSE @status END
                WHERE run_id = @runId AND status = @running
                """, "@finishedAt", "@status", "@completed", "@failed", "@runId", "@running"))
            {
                finish.Text(0, StoredText.Timestamp(finishedAt)).Text(1, status.ToString()).Text(2, nameof(AuditRunStatus.Completed))
                    .Text(3, nameof(AuditRunStatus.Failed)).Text(4, runId).Text(5, nameof(AuditRunStatus.Running)).Run();
            }

            FinishedRun? finished = null;
            using (var read = new SqliteStatement(connection,
                """
                SELECT runs.status, runs.finished_at,
                       (SELECT COUNT(*) FROM run_hosts h WHERE h.run_id = runs.run_id
                          AND NOT EXISTS (SELECT 1 FROM results r WHERE r.run_id = h.run_id AND r.host_key = h.host_key)),
                       (SELECT h.host_key FROM run_hosts h WHERE h.run_id = runs.run_id
                          AND NOT EXISTS (SELECT 1 FROM results r WHERE r.run_id = h.run_id AND r.host_key = h.host_key) ORDER BY h.line_number LIMIT 1)
                FROM runs WHERE runs.run_id = @runId
                """, "@runId"))
            {
                read.Text(0, runId).ReadRow(row => finished = new FinishedRun(
                    StoredNames.Parse<AuditRunStatus>(row.ColumnText(0)!, "run status"),
                    row.ColumnText(1) is { } at ? StoredText.ParseTimestamp(at) : null,
                    (int)row.ColumnInteger(2),
                    row.ColumnText(3)));
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return finished;
        }, "finish the run").ConfigureAwait(false);
    }
}
