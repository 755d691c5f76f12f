using Dapper;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Inventory;
using ExchangeSmtpFleet.Core.Storage;
using NpgsqlTypes;

namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>
/// The run writer on PostgreSQL (<see cref="IRunWriter"/>): a run's snapshot copied in (binary COPY) in one transaction,
/// results through <see cref="PostgresResultSink"/>; each unit is idempotent and retried after a transient error.
/// </summary>
internal sealed class PostgresRunWriter(PostgresDatabase db) : IRunWriter
{
    /// <summary>A run is written once and, when a job begins it again, found again: the upsert keeps one row.</summary>
    private const string UpsertRun = """
        INSERT INTO runs (run_id, kind, started_at, finished_at, status, inventory_path, inventory_hash, host_count, problem_count,
                          disabled_count, concurrency, probe_options, tool_version, batch_count, batch_size)
        VALUES (@runId, @kind, @startedAt, NULL, @status, @inventoryPath, @inventoryHash, @hostCount, @problemCount, @disabledCount,
                @concurrency, @probeOptions, @toolVersion, @batchCount, @batchSize)
        ON CONFLICT (run_id) DO UPDATE SET status = excluded.status, finished_at = NULL,
                                           batch_count = excluded.batch_count, batch_size = excluded.batch_size;
        DELETE FROM run_hosts WHERE run_id = @runId;
        DELETE FROM inventory_problems WHERE run_id = @runId;
        """;

    private const string CopyHosts =
        "COPY run_hosts (run_id, host_key, host, port, name, site, owner, profile, ignore_verbs, line_number) FROM STDIN (FORMAT BINARY)";

    private const string CopyProblems = "COPY inventory_problems (run_id, position, line_number, reason, raw_text) FROM STDIN (FORMAT BINARY)";

    private const string FinishRun = """
        UPDATE runs SET finished_at = @finishedAt,
            status = CASE WHEN @status = @completed AND EXISTS (
                              SELECT 1 FROM run_hosts AS h WHERE h.run_id = runs.run_id
                                AND NOT EXISTS (SELECT 1 FROM results AS r WHERE r.run_id = h.run_id AND r.host_key = h.host_key))
                          THEN @failed ELSE @status END
        WHERE run_id = @runId AND status = @running;
        SELECT runs.status, runs.finished_at,
               (SELECT COUNT(*) FROM run_hosts AS h WHERE h.run_id = runs.run_id
                  AND NOT EXISTS (SELECT 1 FROM results AS r WHERE r.run_id = h.run_id AND r.host_key = h.host_key)) AS missing,
               (SELECT h.host_key FROM run_hosts AS h WHERE h.run_id = runs.run_id
                  AND NOT EXISTS (SELECT 1 FROM results AS r WHERE r.run_id = h.run_id AND r.host_key = h.host_key)
                ORDER BY h.line_number LIMIT 1) AS first_missing
        FROM runs WHERE runs.run_id = @runId;
        """;

    public string Description => db.Description;

    public Task BeginRunAsync(AuditRun run, InventoryReadResult inventory, RunBatches? batches, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(inventory);
        var row = RunParameters.Of(run, inventory, db.ToDatabase(run.StartedAt));
        return db.WithRetryAsync(async () =>
        {
            await using var connection = await db.OpenNpgsqlAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition(UpsertRun, new
            {
                runId = row.RunId,
                kind = row.Kind,
                startedAt = row.StartedAt,
                status = row.Status,
                inventoryPath = row.InventoryPath,
                inventoryHash = row.InventoryHash,
                hostCount = row.HostCount,
                problemCount = row.ProblemCount,
                disabledCount = row.DisabledCount,
                concurrency = row.Concurrency,
                probeOptions = row.ProbeOptions,
                toolVersion = row.ToolVersion,
                batchCount = batches?.Count,
                batchSize = batches?.Size,
            }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);

            // The inventory snapshot and problems: binary COPY, one round trip per table however many hosts.
            await using (var hosts = await connection.BeginBinaryImportAsync(CopyHosts, cancellationToken).ConfigureAwait(false))
            {
                foreach (var host in inventory.Hosts)
                {
                    await hosts.StartRowAsync(cancellationToken).ConfigureAwait(false);
                    await PostgresCopy.TextAsync(hosts, run.RunId, cancellationToken).ConfigureAwait(false);
                    await PostgresCopy.TextAsync(hosts, host.Key, cancellationToken).ConfigureAwait(false);
                    await PostgresCopy.TextAsync(hosts, host.Host, cancellationToken).ConfigureAwait(false);
                    await hosts.WriteAsync(host.Port, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                    await PostgresCopy.TextAsync(hosts, StoredLimits.Cut(host.Name, StoredLimits.Label), cancellationToken).ConfigureAwait(false);
                    await PostgresCopy.TextAsync(hosts, StoredLimits.Cut(host.Site, StoredLimits.Label), cancellationToken).ConfigureAwait(false);
                    await PostgresCopy.TextAsync(hosts, StoredLimits.Cut(host.Owner, StoredLimits.Label), cancellationToken).ConfigureAwait(false);
                    await PostgresCopy.TextAsync(hosts, host.Profile, cancellationToken).ConfigureAwait(false);
                    await PostgresCopy.TextAsync(hosts, StoredText.List(host.IgnoreVerbs), cancellationToken).ConfigureAwait(false);
                    await hosts.WriteAsync(host.LineNumber, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                }

                await hosts.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var problems = await connection.BeginBinaryImportAsync(CopyProblems, cancellationToken).ConfigureAwait(false))
            {
                for (var i = 0; i < inventory.Problems.Length; i++)
                {
                    var problem = inventory.Problems[i];
                    await problems.StartRowAsync(cancellationToken).ConfigureAwait(false);
                    await PostgresCopy.TextAsync(problems, run.RunId, cancellationToken).ConfigureAwait(false);
                    await problems.WriteAsync(i, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                    await problems.WriteAsync(problem.LineNumber, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                    await PostgresCopy.TextAsync(problems, problem.Reason, cancellationToken).ConfigureAwait(false);
                    await PostgresCopy.TextAsync(problems, problem.RawText, cancellationToken).ConfigureAwait(false);
                }

                await problems.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, null, "store the run", cancellationToken);
    }

    public IResultSink OpenResultSink(string runId, DateTimeOffset startedAt) => new PostgresResultSink(db, runId, startedAt);

    public Task<FinishedRun?> FinishRunAsync(string runId, AuditRunStatus status, DateTimeOffset finishedAt, CancellationToken cancellationToken) =>
        db.RetryWriteAsync(async (c, t) => await c.QuerySingleOrDefaultAsync<StoredRows.Finished>(new CommandDefinition(FinishRun, new
        {
            runId,
            status = status.ToString(),
            finishedAt = db.ToDatabase(finishedAt),
            completed = nameof(AuditRunStatus.Completed),
            failed = nameof(AuditRunStatus.Failed),
            running = nameof(AuditRunStatus.Running),
        }, t, cancellationToken: cancellationToken)).ConfigureAwait(false) is { } row
            ? new FinishedRun(StoredNames.Parse<AuditRunStatus>(row.status, "run status"), StoreDatabase.NullableTimestamp(row.finished_at), (int)row.missing, row.first_missing)
            : null, "finish the run", cancellationToken);
}
