using System.Data.Common;
using System.Text.RegularExpressions;
using Dapper;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Inventory;
using ExchangeSmtpFleet.Core.Storage;
using Microsoft.Data.SqlClient;

namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>
/// The production store (SPEC 6): SQL Server, shared by every machine of the audit. Reads with Dapper; the sink writes a
/// batch with SqlBulkCopy into session temp tables and one set-based MERGE (<see cref="SqlServerRunSink"/>). Transient
/// errors are retried by SqlClient's retry logic outside transactions, and by the sink around a whole batch (idempotent).
/// </summary>
public sealed partial class SqlServerAuditStore : AuditStoreBase
{
    private static readonly StoreQueries SqlServerQueries = new(
        SqlServerStatements.ListRuns, SqlServerStatements.LatestRun, SqlServerStatements.FindRun, SqlServerStatements.CountsOfRun,
        SqlServerStatements.History, SqlServerStatements.Lacking, SqlServerStatements.RunBefore, SqlServerStatements.Verdicts,
        SqlServerStatements.HostsWithoutResult, SqlServerStatements.PruneTranscripts, SqlServerStatements.ResultsOfRun, SqlServerStatements.PruneRuns,
        SqlServerStatements.CountRunsBefore, SqlServerStatements.KeywordsOfRun, SqlServerStatements.EvidenceOfRun, SqlServerStatements.ProblemsOfRun,
        SqlServerStatements.MailedAt, SqlServerStatements.RecordMailed, SqlServerStatements.LatestCompletedRun);

    /// <summary>SqlException numbers worth another try: time-outs, deadlocks, a database or network that is briefly away.</summary>
    private static readonly HashSet<int> TransientNumbers = [-2, 20, 64, 233, 1205, 4060, 10053, 10054, 10060, 40197, 40501, 40613, 49918, 49919, 49920];

    private readonly string _connectionString;
    private readonly string _description;
    private readonly TimeProvider _time;
    private readonly SqlRetryLogicBaseProvider _retry;

    /// <summary>A store in the database the connection string names.</summary>
    /// <param name="connectionString">A SqlClient connection string (never shown: the description names server and database only).</param>
    /// <param name="time">The clock (when a schema script was applied; pauses between retries).</param>
    /// <exception cref="StoreException">The connection string cannot be read.</exception>
    public SqlServerAuditStore(string connectionString, TimeProvider time)
    {
        _time = time;
        SqlConnectionStringBuilder builder;
        try
        {
            builder = new SqlConnectionStringBuilder(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException)
        {
            // The message of the builder can quote the string, password included: say what is wrong without it.
            throw new StoreException("SQL Server: the connection string (ConnectionStrings:Fleet) cannot be read; check its keywords and quoting", e);
        }

        _connectionString = builder.ConnectionString;
        _description = $"SQL Server database {(string.IsNullOrEmpty(builder.InitialCatalog) ? "(default)" : builder.InitialCatalog)} on {builder.DataSource}";
        _retry = SqlConfigurableRetryFactory.CreateExponentialRetryProvider(new SqlRetryLogicOption
        {
            NumberOfTries = 5,
            DeltaTime = TimeSpan.FromSeconds(1),
            MaxTimeInterval = TimeSpan.FromSeconds(20),
            TransientErrors = TransientNumbers,
        });
    }

    /// <inheritdoc/>
    public override string Description => _description;

    /// <summary>Pause before a batch is written again after a transient error.</summary>
    internal TimeSpan RetryPause { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The clock of the store.</summary>
    internal TimeProvider Time => _time;

    private protected override StoreQueries Queries => SqlServerQueries;

    /// <inheritdoc/>
    public override IResultSink CreateSink(InventoryReadResult inventory) => new SqlServerRunSink(this, inventory);

    /// <inheritdoc/>
    public override IResultSink CreateBatchSink(string runId) => new SqlServerRunSink(this, inventory: null);

    private protected override LedgerStatements Ledger => LedgerStatements.SqlServer;

    /// <summary>True for errors a new attempt of an idempotent unit of work may get past.</summary>
    internal static bool IsTransient(Exception error) => error is SqlException sql && TransientNumbers.Contains(sql.Number);

    /// <summary>The batches of a script, split at its <c>GO</c> lines.</summary>
    internal static IEnumerable<string> Batches(string script) =>
        GoLine().Split(script).Where(b => !string.IsNullOrWhiteSpace(b));

    /// <summary>An open connection with the schema in place, for the sink.</summary>
    internal async Task<SqlConnection> OpenForWritingAsync(CancellationToken cancellationToken) =>
        (SqlConnection)await OpenMigratedAsync(cancellationToken).ConfigureAwait(false);

    private protected override object ToDatabase(DateTimeOffset value) => value.UtcDateTime;

    private protected override StoreException Explain(DbException error, string what)
    {
        var number = error is SqlException sql ? sql.Number : 0;
        var advice = number switch
        {
            18456 => "the login failed; check the user and password of ConnectionStrings:Fleet",
            4060 => "the database cannot be opened; check that it exists and the login may use it",
            229 or 262 or 297 or 300 => "permission denied; the login needs db_datareader, db_datawriter and db_ddladmin (or a DBA applies esfleet db script)",
            -2 => "the server did not answer in time",
            1205 => "a deadlock with another writer; run again",
            0 or 2 or 35 or 40 or 53 or -1 or 10060 or 10061 or 11001 => "the server cannot be reached; check the server name, port and firewall",
            _ => "see the SQL Server message",
        };
        return new StoreException($"{Description}: cannot {what}: {advice} (SQL Server error {number}: {error.Message})", error);
    }

    private protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqlConnection(_connectionString) { RetryLogicProvider = _retry };
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (SqlException e)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw Explain(e, "connect");
        }
    }

    private protected override Task MigrateAsync(DbConnection connection, CancellationToken cancellationToken) => Guard(async () =>
    {
        var scripts = SchemaScripts.For(SchemaScripts.SqlServer);
        await connection.ExecuteAsync(new CommandDefinition(SqlServerStatements.CreateJournal, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var applied = (await connection.QueryAsync<string>(new CommandDefinition(SqlServerStatements.ReadJournal, cancellationToken: cancellationToken))
            .ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        RefuseNewerSchema(applied, scripts);
        foreach (var (name, text) in scripts.Where(s => !applied.Contains(s.Name)))
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            foreach (var batch in Batches(text))
            {
                await connection.ExecuteAsync(new CommandDefinition(batch, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            }

            await connection.ExecuteAsync(new CommandDefinition(
                SqlServerStatements.WriteJournal, new { name, at = _time.GetUtcNow().UtcDateTime }, transaction, cancellationToken: cancellationToken))
                .ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return true;
    }, "apply the schema");

    [GeneratedRegex(@"^\s*GO\s*$", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex GoLine();
}
