using System.Data.Common;
using System.Reflection;
using System.Text.RegularExpressions;
using Dapper;
using ExchangeSmtpFleet.Core.Storage;
using Microsoft.Data.SqlClient;

namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>
/// The shared production database (SPEC 6): SQL Server. Transient errors are retried by SqlClient's retry logic when a
/// connection opens, and by the result sink around a whole batch (idempotent). Times are <c>DATETIME2</c> in UTC.
/// </summary>
internal sealed partial class SqlServerDatabase : StoreDatabase
{
    /// <summary>The journal of applied schema scripts.</summary>
    internal const string CreateJournal =
        "IF OBJECT_ID(N'dbo.schema_versions', N'U') IS NULL CREATE TABLE dbo.schema_versions (script NVARCHAR(256) NOT NULL PRIMARY KEY, applied_at DATETIME2(7) NOT NULL);";

    private const string ReadJournal = "SELECT script FROM dbo.schema_versions;";

    private const string JournalExists = "SELECT CASE WHEN OBJECT_ID(N'dbo.schema_versions', N'U') IS NULL THEN 0 ELSE 1 END;";

    private const string WriteJournal = "INSERT INTO dbo.schema_versions (script, applied_at) VALUES (@script, @appliedAt);";

    /// <summary>SqlException numbers worth another try: time-outs, deadlocks, a database or network that is briefly away.</summary>
    private static readonly HashSet<int> TransientNumbers = [-2, 20, 64, 233, 1205, 4060, 10053, 10054, 10060, 40197, 40501, 40613, 49918, 49919, 49920];

    private const int RetryAttempts = 3;

    private readonly string _connectionString;
    private readonly string _description;
    private readonly TimeProvider _time;
    private readonly SqlRetryLogicBaseProvider _retry;

    /// <param name="connectionString">A SqlClient connection string (never shown: the description names server and database only).</param>
    /// <param name="time">The clock (when a schema script was applied; pauses between retries).</param>
    /// <exception cref="StoreException">The connection string cannot be read.</exception>
    public SqlServerDatabase(string connectionString, TimeProvider time)
    {
        _time = time;
        SqlConnectionStringBuilder builder;
        try
        {
            builder = new SqlConnectionStringBuilder(connectionString);

            // The builder keeps keywords it does not know; a connection refuses them ("Keyword not supported").
            using var refuses = new SqlConnection(builder.ConnectionString);
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

    public override string Description => _description;

    public override IReadOnlyList<(string Name, string Text)> Scripts { get; } = SchemaScripts.For(SchemaScripts.SqlServer);

    /// <summary>Pause before a batch is written again after a transient error.</summary>
    internal TimeSpan RetryPause { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Runs an idempotent unit of work (a batch, a run's snapshot), errors explained; after a transient error (a deadlock, a
    /// fail-over) <paramref name="afterTransient"/> drops what the attempt held and the unit runs again, up to three times.
    /// </summary>
    internal async Task WithRetryAsync(Func<Task> work, Func<ValueTask> afterTransient, string what, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await Guard(async () =>
                {
                    await work().ConfigureAwait(false);
                    return true;
                }, what).ConfigureAwait(false);
                return;
            }
            catch (StoreException e) when (attempt < RetryAttempts && e.InnerException is { } inner && IsTransient(inner))
            {
                await afterTransient().ConfigureAwait(false);
                await Task.Delay(RetryPause, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>True for errors a new attempt of an idempotent unit of work may get past.</summary>
    internal static bool IsTransient(Exception error) => error is SqlException sql && TransientNumbers.Contains(sql.Number);

    /// <summary>The batches of a script, split at its <c>GO</c> lines.</summary>
    internal static IEnumerable<string> Batches(string script) =>
        GoLine().Split(script).Where(b => !string.IsNullOrWhiteSpace(b));

    /// <summary>
    /// Every T-SQL statement of the SQL Server roles (their string constants; column lists named <c>...Columns</c> are parts
    /// of statements), for the offline checks: no SQL Server runs where the tests run, so each is parsed with ScriptDom and
    /// checked against the schema scripts.
    /// </summary>
    internal static IEnumerable<(string Name, string Text)> Statements() =>
        typeof(SqlServerDatabase).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(SqlServerDatabase).Namespace && t.Name.StartsWith("SqlServer", StringComparison.Ordinal))
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
                .Where(f => f.IsLiteral && f.FieldType == typeof(string) && !f.Name.EndsWith("Columns", StringComparison.Ordinal))
                .Select(f => ($"{t.Name}.{f.Name}", (string)f.GetRawConstantValue()!)));

    public override object ToDatabase(DateTimeOffset value) => value.UtcDateTime;

    public override StoreException Explain(DbException error, string what)
    {
        ArgumentNullException.ThrowIfNull(error);
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

    /// <summary>An open connection with the schema in place, as the SQL Server type (the sink bulk-copies on it).</summary>
    public async Task<SqlConnection> OpenSqlAsync(CancellationToken cancellationToken) =>
        (SqlConnection)await OpenAsync(cancellationToken).ConfigureAwait(false);

    /// <remarks>A SQL Server database is made by its DBA: <paramref name="create"/> makes no difference.</remarks>
    public override async Task<DbConnection> OpenConnectionAsync(bool create, CancellationToken cancellationToken)
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

    public override Task<IReadOnlySet<string>?> AppliedScriptsAsync(DbConnection connection, CancellationToken cancellationToken) => Guard(async () =>
        await connection.ExecuteScalarAsync<int>(new CommandDefinition(JournalExists, cancellationToken: cancellationToken)).ConfigureAwait(false) == 0
            ? null
            : (IReadOnlySet<string>?)(await connection.QueryAsync<string>(new CommandDefinition(ReadJournal, cancellationToken: cancellationToken)).ConfigureAwait(false))
                .ToHashSet(StringComparer.Ordinal), "read its schema version");

    protected override Task ApplySchemaAsync(DbConnection connection, CancellationToken cancellationToken) => Guard(async () =>
    {
        var scripts = Scripts;
        await connection.ExecuteAsync(new CommandDefinition(CreateJournal, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var applied = (await connection.QueryAsync<string>(new CommandDefinition(ReadJournal, cancellationToken: cancellationToken))
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
                WriteJournal, new { script = name, appliedAt = _time.GetUtcNow().UtcDateTime }, transaction, cancellationToken: cancellationToken))
                .ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return true;
    }, "apply the schema");

    [GeneratedRegex(@"^\s*GO\s*$", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex GoLine();
}
