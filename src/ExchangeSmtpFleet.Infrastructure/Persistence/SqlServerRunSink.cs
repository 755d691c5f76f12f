using System.Data;
using System.Globalization;
using Dapper;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Inventory;
using Microsoft.Data.SqlClient;

namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>
/// Stores one run in SQL Server as its results arrive: each batch is bulk-copied into the connection's temp tables and
/// moved by one set-based statement (new keyword sets added, MERGE, then the host's findings replaced), never a command per row.
/// A batch is idempotent, so a transient error (a deadlock, a fail-over) is answered by writing it again on a new
/// connection, up to three times.
/// </summary>
/// <remarks>Without an inventory it is a batch sink: it adds results to a run stored before, stores no run and does not close it.</remarks>
internal sealed class SqlServerRunSink(SqlServerAuditStore store, InventoryReadResult? inventory) : IResultSink, IAsyncDisposable
{
    private const int Attempts = 3;
    private SqlConnection? _connection;
    private AuditRun? _run;

    public string Name => store.Description;

    /// <summary>A database that fails must not cost the scan what it found: the run goes on without it.</summary>
    public SinkFailurePolicy OnFailure => SinkFailurePolicy.Detach;

    public async Task OpenAsync(AuditRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        _run = run;
        if (inventory is null)
        {
            return;
        }

        await WithRetryAsync(async connection =>
        {
            await using var transaction = (SqlTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition(SqlServerStatements.UpsertRun, RunParameters.Of(run, inventory, run.StartedAt.UtcDateTime), transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition(SqlServerStatements.DeleteRunHosts, new { run = run.RunId }, transaction, cancellationToken: cancellationToken))
                .ConfigureAwait(false);
            await BulkCopyAsync(connection, transaction, "dbo.run_hosts", RunHosts(run.RunId), cancellationToken).ConfigureAwait(false);
            await BulkCopyAsync(connection, transaction, "dbo.inventory_problems", Problems(run.RunId), cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }, "store the run", cancellationToken).ConfigureAwait(false);
    }

    public Task WriteAsync(IReadOnlyList<HostOutcome> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var runId = _run?.RunId ?? throw new InvalidOperationException("the sink was not opened");

        // Tables are built once per batch and reused by a retry; a host twice in one batch keeps its last outcome.
        var latest = batch.GroupBy(o => o.Host.Key, StringComparer.Ordinal).Select(g => g.Last()).ToList();
        var sets = Table(("set_id", typeof(string)), ("position", typeof(int)), ("name", typeof(string)), ("parameters", typeof(string)));
        var (results, findings) = (Results(runId, _run.StartedAt.UtcDateTime, latest, sets), Findings(runId, latest));
        return WithRetryAsync(async connection =>
        {
            await using var transaction = (SqlTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await BulkCopyAsync(connection, transaction, "#results", results, cancellationToken).ConfigureAwait(false);
            await BulkCopyAsync(connection, transaction, "#keyword_sets", sets, cancellationToken).ConfigureAwait(false);
            await BulkCopyAsync(connection, transaction, "#findings", findings, cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition(SqlServerStatements.MoveStaging, transaction: transaction, cancellationToken: cancellationToken))
                .ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }, "store results", cancellationToken);
    }

    public Task CloseAsync(AuditRun run, RunSummary summary, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (inventory is null)
        {
            return Task.CompletedTask;
        }

        return WithRetryAsync(connection => connection.ExecuteAsync(new CommandDefinition(
            SqlServerStatements.CloseRun, new { status = run.Status.ToString(), finished = run.FinishedAt?.UtcDateTime, run = run.RunId },
            cancellationToken: cancellationToken)), "close the run", cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task BulkCopyAsync(SqlConnection connection, SqlTransaction transaction, string table, DataTable rows, CancellationToken cancellationToken)
    {
        if (rows.Rows.Count == 0)
        {
            return;
        }

        using var copy = new SqlBulkCopy(connection, SqlBulkCopyOptions.Default, transaction) { DestinationTableName = table, BatchSize = 5000 };
        foreach (DataColumn column in rows.Columns)
        {
            copy.ColumnMappings.Add(column.ColumnName, column.ColumnName);
        }

        await copy.WriteToServerAsync(rows, cancellationToken).ConfigureAwait(false);
    }

    private static DataTable Table(params (string Name, Type Type)[] columns)
    {
        var table = new DataTable { Locale = CultureInfo.InvariantCulture };
        foreach (var (name, type) in columns)
        {
            table.Columns.Add(name, type);
        }

        return table;
    }

    private static object Value(object? value) => value ?? DBNull.Value;

    /// <summary>Runs a unit of work on the sink's connection; after a transient error, again on a new one.</summary>
    private async Task WithRetryAsync(Func<SqlConnection, Task> work, string what, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await store.Guard(async () =>
                {
                    await work(await ConnectionAsync(cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
                    return true;
                }, what).ConfigureAwait(false);
                return;
            }
            catch (Core.Storage.StoreException e) when (attempt < Attempts && SqlServerAuditStore.IsTransient(e.InnerException!))
            {
                await DropConnectionAsync().ConfigureAwait(false);
                await Task.Delay(store.RetryPause, store.Time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The sink's connection, with its staging temp tables (they live as long as the session).</summary>
    private async Task<SqlConnection> ConnectionAsync(CancellationToken cancellationToken)
    {
        if (_connection is { State: ConnectionState.Open })
        {
            return _connection;
        }

        await DropConnectionAsync().ConfigureAwait(false);
        var connection = await store.OpenForWritingAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(SqlServerStatements.CreateStaging, cancellationToken: cancellationToken)).ConfigureAwait(false);
        _connection = connection;
        return connection;
    }

    private async Task DropConnectionAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
            _connection = null;
        }
    }

    private DataTable RunHosts(string runId)
    {
        var table = Table(("run_id", typeof(string)), ("host_key", typeof(string)), ("host", typeof(string)), ("port", typeof(int)), ("name", typeof(string)),
            ("site", typeof(string)), ("owner", typeof(string)), ("profile", typeof(string)), ("ignore_verbs", typeof(string)), ("line_number", typeof(int)));
        foreach (var host in inventory!.Hosts)
        {
            table.Rows.Add(runId, host.Key, host.Host, host.Port, Value(host.Name), Value(host.Site), Value(host.Owner), host.Profile,
                StoredText.List(host.IgnoreVerbs), host.LineNumber);
        }

        return table;
    }

    private DataTable Problems(string runId)
    {
        var table = Table(("run_id", typeof(string)), ("position", typeof(int)), ("line_number", typeof(int)), ("reason", typeof(string)), ("raw_text", typeof(string)));
        for (var i = 0; i < inventory!.Problems.Length; i++)
        {
            var problem = inventory.Problems[i];
            table.Rows.Add(runId, i, problem.LineNumber, problem.Reason, Value(problem.RawText));
        }

        return table;
    }

    /// <summary>The batch's results, each naming its keyword sets; the sets the batch names go into <paramref name="sets"/>, once each.</summary>
    private static DataTable Results(string runId, DateTime runStarted, IReadOnlyList<HostOutcome> batch, DataTable sets)
    {
        var table = Table(("run_id", typeof(string)), ("host_key", typeof(string)), ("verdict", typeof(string)), ("reason", typeof(string)),
            ("family", typeof(string)), ("family_evidence", typeof(string)), ("version", typeof(string)), ("banner", typeof(string)),
            ("greeting", typeof(string)), ("missing", typeof(string)), ("unexpected", typeof(string)), ("detail", typeof(string)),
            ("tls", typeof(string)), ("address", typeof(string)), ("attempts", typeof(int)), ("connect_ms", typeof(double)),
            ("banner_ms", typeof(double)), ("ehlo_ms", typeof(double)), ("tls_ms", typeof(double)), ("total_ms", typeof(double)),
            ("probed_at", typeof(DateTime)), ("transcript", typeof(string)), ("run_started_at", typeof(DateTime)),
            ("keywords_pre_tls", typeof(string)), ("keywords_post_tls", typeof(string)));
        var json = new System.Buffers.ArrayBufferWriter<byte>(2048);
        var named = new HashSet<string>(StringComparer.Ordinal);
        string? SetOf(System.Collections.Immutable.ImmutableArray<Core.Protocol.EhloKeyword> keywords)
        {
            var id = KeywordSets.Write(keywords, json);
            if (id is not null && named.Add(id))
            {
                for (var i = 0; i < keywords.Length; i++)
                {
                    sets.Rows.Add(id, i, keywords[i].Name, KeywordSets.Parameters(keywords[i]));
                }
            }

            return id;
        }

        foreach (var outcome in batch)
        {
            var c = outcome.Classification;
            var p = outcome.Probe;
            table.Rows.Add(runId, outcome.Host.Key, c.Verdict.ToString(), c.Reason.ToString(), c.Family, c.FamilyEvidence, Value(c.Version),
                Value(c.Banner), Value(c.EhloGreeting), StoredText.List(c.Missing), StoredText.List(c.Unexpected), Value(c.Detail),
                Value(StoredText.Tls(c.Tls)), Value(p.Address), p.Attempts, Value(p.Timings.ConnectMs), Value(p.Timings.BannerMs),
                Value(p.Timings.EhloMs), Value(p.Timings.TlsMs), p.Timings.TotalMs, p.StartedAt.UtcDateTime, StoredText.Transcript(p), runStarted,
                Value(SetOf(c.Keywords)), Value(SetOf(c.PostTlsKeywords)));
        }

        return table;
    }

    private static DataTable Findings(string runId, IReadOnlyList<HostOutcome> batch)
    {
        var table = Table(("run_id", typeof(string)), ("host_key", typeof(string)), ("position", typeof(int)), ("code", typeof(string)),
            ("severity", typeof(string)), ("arguments", typeof(string)), ("message", typeof(string)));
        foreach (var outcome in batch)
        {
            var findings = outcome.Classification.Findings;
            for (var i = 0; i < findings.Length; i++)
            {
                table.Rows.Add(runId, outcome.Host.Key, i, findings[i].Code.ToString(), findings[i].Severity.ToString(), StoredText.List(findings[i].Arguments),
                    findings[i].Message);
            }
        }

        return table;
    }
}
