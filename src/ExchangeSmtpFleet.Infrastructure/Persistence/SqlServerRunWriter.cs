using System.Data;
using Dapper;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Inventory;
using ExchangeSmtpFleet.Core.Storage;
using Microsoft.Data.SqlClient;

namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>
/// The run writer on SQL Server (<see cref="IRunWriter"/>): a run's snapshot bulk-copied in one transaction, results through
/// <see cref="SqlServerResultSink"/>, each unit retried after a transient error (it is idempotent).
/// </summary>
internal sealed class SqlServerRunWriter(SqlServerDatabase db) : IRunWriter
{
    /// <summary>A run is written once and, when a job begins it again, found again: MERGE keeps one row.</summary>
    private const string UpsertRun = """
        MERGE dbo.runs WITH (HOLDLOCK) AS t
        USING (SELECT @runId AS run_id) AS s ON t.run_id = s.run_id
        WHEN MATCHED THEN UPDATE SET status = @status, finished_at = NULL, batch_count = @batchCount, batch_size = @batchSize
        WHEN NOT MATCHED THEN INSERT (run_id, kind, started_at, finished_at, status, inventory_path, inventory_hash, host_count, problem_count,
                                      disabled_count, concurrency, probe_options, tool_version, batch_count, batch_size)
            VALUES (@runId, @kind, @startedAt, NULL, @status, @inventoryPath, @inventoryHash, @hostCount, @problemCount,
                    @disabledCount, @concurrency, @probeOptions, @toolVersion, @batchCount, @batchSize);
        """;

    private const string DeleteSnapshot = "DELETE FROM dbo.run_hosts WHERE run_id = @runId; DELETE FROM dbo.inventory_problems WHERE run_id = @runId;";

    private const string FinishRun = """
        UPDATE dbo.runs SET finished_at = @finishedAt,
            status = CASE WHEN @status = @completed AND EXISTS (
                              SELECT 1 FROM dbo.run_hosts AS h WHERE h.run_id = runs.run_id
                                AND NOT EXISTS (SELECT 1 FROM dbo.results AS r WHERE r.run_id = h.run_id AND r.host_key = h.host_key))
                          THEN @failed ELSE @status END
        WHERE run_id = @runId AND status = @running;
        SELECT runs.status, runs.finished_at,
               (SELECT COUNT(*) FROM dbo.run_hosts AS h WHERE h.run_id = runs.run_id
                  AND NOT EXISTS (SELECT 1 FROM dbo.results AS r WHERE r.run_id = h.run_id AND r.host_key = h.host_key)) AS missing,
               (SELECT TOP (1) h.host_key FROM dbo.run_hosts AS h WHERE h.run_id = runs.run_id
                  AND NOT EXISTS (SELECT 1 FROM dbo.results AS r WHERE r.run_id = h.run_id AND r.host_key = h.host_key) ORDER BY h.line_number) AS first_missing
        FROM dbo.runs AS runs WHERE runs.run_id = @runId;
        """;

    public string Description => db.Description;

    public Task BeginRunAsync(AuditRun run, InventoryReadResult inventory, RunBatches? batches, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(inventory);
        var parameters = RunRow(db, run, inventory, batches);
        var hosts = RunHosts(run.RunId, inventory);
        var problems = Problems(run.RunId, inventory);
        return db.WithRetryAsync(async () =>
        {
            await using var connection = await db.OpenSqlAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = (SqlTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition(UpsertRun, parameters, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition(DeleteSnapshot, new { runId = run.RunId }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            await SqlServerTables.BulkCopyAsync(connection, transaction, "dbo.run_hosts", hosts, db.Description, cancellationToken).ConfigureAwait(false);
            await SqlServerTables.BulkCopyAsync(connection, transaction, "dbo.inventory_problems", problems, db.Description, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }, () => default, "store the run", cancellationToken);
    }

    /// <summary>
    /// The parameters of <see cref="UpsertRun"/>: the start as a <c>DATETIME2</c> parameter (typed, not <see cref="object"/>,
    /// so that Dapper sends it as one), the inventory path and build cut to their columns as on every dialect.
    /// </summary>
    internal static object RunRow(SqlServerDatabase db, AuditRun run, InventoryReadResult inventory, RunBatches? batches)
    {
        var row = RunParameters.Of(run, inventory, run.StartedAt);
        return new
        {
            runId = row.RunId,
            kind = row.Kind,
            startedAt = db.ToDatabase(run.StartedAt),
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
        };
    }

    public IResultSink OpenResultSink(string runId, DateTimeOffset startedAt) => new SqlServerResultSink(db, runId, startedAt);

    public async Task<FinishedRun?> FinishRunAsync(string runId, AuditRunStatus status, DateTimeOffset finishedAt, CancellationToken cancellationToken)
    {
        FinishedRun? finished = null;
        await db.WithRetryAsync(async () =>
        {
            await using var connection = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var row = await connection.QuerySingleOrDefaultAsync<StoredRows.Finished>(new CommandDefinition(FinishRun, new
            {
                runId,
                status = status.ToString(),
                finishedAt = db.ToDatabase(finishedAt),
                completed = nameof(AuditRunStatus.Completed),
                failed = nameof(AuditRunStatus.Failed),
                running = nameof(AuditRunStatus.Running),
            }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            finished = row is null ? null : new FinishedRun(
                StoredNames.Parse<AuditRunStatus>(row.status, "run status"), StoreDatabase.NullableTimestamp(row.finished_at), (int)row.missing, row.first_missing);
        }, () => default, "finish the run", cancellationToken).ConfigureAwait(false);
        return finished;
    }

    /// <summary>The run's inventory snapshot as bulk-copied; Name, Site and Owner cut to their columns as on every dialect.</summary>
    internal static DataTable RunHosts(string runId, InventoryReadResult inventory)
    {
        var table = SqlServerTables.Table(("run_id", typeof(string)), ("host_key", typeof(string)), ("host", typeof(string)), ("port", typeof(int)),
            ("name", typeof(string)), ("site", typeof(string)), ("owner", typeof(string)), ("profile", typeof(string)), ("ignore_verbs", typeof(string)),
            ("line_number", typeof(int)));
        foreach (var host in inventory.Hosts)
        {
            table.Rows.Add(runId, host.Key, host.Host, host.Port, SqlServerTables.Value(StoredLimits.Cut(host.Name, StoredLimits.Label)),
                SqlServerTables.Value(StoredLimits.Cut(host.Site, StoredLimits.Label)), SqlServerTables.Value(StoredLimits.Cut(host.Owner, StoredLimits.Label)), host.Profile, StoredText.List(host.IgnoreVerbs), host.LineNumber);
        }

        return table;
    }

    internal static DataTable Problems(string runId, InventoryReadResult inventory)
    {
        var table = SqlServerTables.Table(("run_id", typeof(string)), ("position", typeof(int)), ("line_number", typeof(int)), ("reason", typeof(string)),
            ("raw_text", typeof(string)));
        for (var i = 0; i < inventory.Problems.Length; i++)
        {
            var problem = inventory.Problems[i];
            table.Rows.Add(runId, i, problem.LineNumber, problem.Reason, SqlServerTables.Value(problem.RawText));
        }

        return table;
    }
}
