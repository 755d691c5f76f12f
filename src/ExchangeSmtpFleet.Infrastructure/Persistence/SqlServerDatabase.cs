using System.Data.Common;
using System.Reflection;
using System.Text.RegularExpressions;
using Dapper;
using ExchangeSmtpFleet.Core.Storage;
using Microsoft.Data.SqlClient;

namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>
/// The shared production database (SPEC 6): SQL Server 2016 SP1 or later. Transient errors are retried by SqlClient's retry
/// logic when a connection opens, by <see cref="StoreDatabase.ReadAsync{T}"/> around a read, and by the writers around a
/// whole unit of work (idempotent). Times are <c>DATETIME2</c> in UTC, sent as such (<see cref="SqlServerTime"/>).
/// </summary>
internal sealed partial class SqlServerDatabase : StoreDatabase
{
    /// <summary>The journal of applied schema scripts; the guard takes any object of the name, as every guard of the scripts does.</summary>
    internal const string CreateJournal =
        "IF OBJECT_ID(N'dbo.schema_versions') IS NULL CREATE TABLE dbo.schema_versions (script NVARCHAR(256) NOT NULL PRIMARY KEY, applied_at DATETIME2(7) NOT NULL);";

    /// <summary>A journal row, written by esfleet after a script and by the DBA's script (<c>db script</c>) when missing.</summary>
    internal const string WriteJournal = "INSERT INTO dbo.schema_versions (script, applied_at) VALUES (@script, @appliedAt);";

    /// <summary>
    /// The application lock every schema change takes, esfleet's migrations (owned by their transaction) and the DBA's
    /// script (owned by its session): processes that start together on a new database change the schema one after the other.
    /// </summary>
    internal const string SchemaLockResource = "esfleet:schema";

    private const string ReadJournal = "SELECT script FROM dbo.schema_versions;";

    private const string JournalExists = "SELECT CASE WHEN OBJECT_ID(N'dbo.schema_versions') IS NULL THEN 0 ELSE 1 END;";

    /// <summary>Waits as long as another process's migration takes (the command has no time-out); 0 or 1 is granted.</summary>
    private const string TakeSchemaLock = """
        DECLARE @granted INT;
        EXEC @granted = sp_getapplock @Resource = N'esfleet:schema', @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = -1;
        SELECT @granted;
        """;

    private const int RetryAttempts = 3;

    private readonly string _connectionString;
    private readonly string _description;
    private readonly TimeProvider _time;
    private readonly SqlRetryLogicBaseProvider _retry;

    /// <param name="connectionString">A SqlClient connection string (never shown: the description names server and database only).</param>
    /// <param name="time">The clock (when a schema script was applied; pauses between retries).</param>
    /// <exception cref="StoreException">The connection string cannot be read.</exception>
    public SqlServerDatabase(string connectionString, TimeProvider time)
        : this(connectionString, time, new SqlRetryLogicOption
        {
            NumberOfTries = 5,
            DeltaTime = TimeSpan.FromSeconds(1),
            MaxTimeInterval = TimeSpan.FromSeconds(20),
            TransientErrors = SqlServerErrors.TransientNumbers,
        })
    {
    }

    /// <summary>With SqlClient's retry logic for opening connections as given (tests make it give up quickly).</summary>
    internal SqlServerDatabase(string connectionString, TimeProvider time, SqlRetryLogicOption retry)
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
        Settings = builder;
        _description = $"SQL Server database {(string.IsNullOrEmpty(builder.InitialCatalog) ? "(default)" : builder.InitialCatalog)} on {builder.DataSource}";
        _retry = SqlConfigurableRetryFactory.CreateExponentialRetryProvider(retry);
    }

    public override string Description => _description;

    public override IReadOnlyList<(string Name, string Text)> Scripts { get; } = SchemaScripts.For(SchemaScripts.SqlServer);

    /// <summary>The connection string's settings (encryption, certificate trust) for <c>db check</c>; never shown whole.</summary>
    internal SqlConnectionStringBuilder Settings { get; }

    /// <summary>Pause before a unit of work (a batch, a read) is done again after a transient error.</summary>
    internal TimeSpan RetryPause { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Opens the connections instead of SqlClient (tests record the commands and their parameters without a server).</summary>
    internal Func<CancellationToken, Task<DbConnection>>? Connect { get; init; }

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
            catch (StoreException e) when (attempt < RetryAttempts && IsTransient(e.InnerException))
            {
                await afterTransient().ConfigureAwait(false);
                await Task.Delay(RetryPause, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>True for errors a new attempt of an idempotent unit of work may get past (<see cref="SqlServerErrors.IsTransient"/>).</summary>
    internal static bool IsTransient(Exception? error) => SqlServerErrors.IsTransient(error);

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
                .Where(f => f.IsLiteral && f.FieldType == typeof(string) && !f.Name.EndsWith("Columns", StringComparison.Ordinal)
                    && !f.Name.EndsWith("Resource", StringComparison.Ordinal))
                .Select(f => ($"{t.Name}.{f.Name}", (string)f.GetRawConstantValue()!)));

    /// <summary>A time as a <c>DATETIME2</c> parameter (the covariant return keeps the property's type for Dapper).</summary>
    public override SqlServerTime ToDatabase(DateTimeOffset value) => new(value.UtcDateTime);

    public override StoreException Explain(DbException error, string what) => SqlServerErrors.Explain(Description, error, what);

    /// <summary>An open connection with the schema in place, as the SQL Server type (the sink bulk-copies on it).</summary>
    public async Task<SqlConnection> OpenSqlAsync(CancellationToken cancellationToken) =>
        (SqlConnection)await OpenAsync(cancellationToken).ConfigureAwait(false);

    /// <remarks>
    /// A SQL Server database is made by its DBA: <paramref name="create"/> makes no difference. When SqlClient's retry logic
    /// gives up it throws an <see cref="AggregateException"/> of its attempts: the last one is explained like any error.
    /// </remarks>
    public override async Task<DbConnection> OpenConnectionAsync(bool create, CancellationToken cancellationToken)
    {
        if (Connect is not null)
        {
            try
            {
                return await Connect(cancellationToken).ConfigureAwait(false);
            }
            catch (SqlException e)
            {
                throw Explain(e, "connect");
            }
        }

        var connection = new SqlConnection(_connectionString) { RetryLogicProvider = _retry };
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (Exception e) when (e is SqlException || SqlServerErrors.SqlError(e) is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw SqlServerErrors.Explain(Description, e, "connect");
        }
    }

    public override Task<IReadOnlySet<string>?> AppliedScriptsAsync(DbConnection connection, CancellationToken cancellationToken) => Guard(async () =>
        await connection.ExecuteScalarAsync<int>(new CommandDefinition(JournalExists, cancellationToken: cancellationToken)).ConfigureAwait(false) == 0
            ? null
            : (IReadOnlySet<string>?)(await connection.QueryAsync<string>(new CommandDefinition(ReadJournal, cancellationToken: cancellationToken)).ConfigureAwait(false))
                .ToHashSet(StringComparer.Ordinal), "read its schema version");

    /// <summary>
    /// Applies what the journal lacks (issue 21, items 8 and 9). The usual start finds every script applied and changes
    /// nothing, without a lock or DDL, so a login with read and write rights only starts once a DBA applied the scripts.
    /// Otherwise, in one transaction: the schema lock (processes starting together on a new database wait for each other),
    /// the journal created, read again under the lock (another process may have applied scripts meanwhile), the missing
    /// scripts and their journal rows. No command time-out: a large upgrade (0005 on a long history) is not cut off after
    /// 30 s and rolled back to start again; Ctrl+C still cancels it.
    /// </summary>
    protected override Task ApplySchemaAsync(DbConnection connection, CancellationToken cancellationToken) => Guard(async () =>
    {
        var scripts = Scripts;
        var applied = await AppliedScriptsAsync(connection, cancellationToken).ConfigureAwait(false);
        if (applied is not null)
        {
            RefuseNewerSchema(applied, scripts);
            if (scripts.All(s => applied.Contains(s.Name)))
            {
                return true;
            }
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var granted = await connection.ExecuteScalarAsync<int>(Unlimited(TakeSchemaLock, null, transaction, cancellationToken)).ConfigureAwait(false);
        if (granted < 0)
        {
            throw new StoreException($"{Description}: cannot apply the schema: the schema lock ({SchemaLockResource}) was not granted (sp_getapplock returned {granted})");
        }

        await connection.ExecuteAsync(Unlimited(CreateJournal, null, transaction, cancellationToken)).ConfigureAwait(false);
        var journal = (await connection.QueryAsync<string>(Unlimited(ReadJournal, null, transaction, cancellationToken)).ConfigureAwait(false))
            .ToHashSet(StringComparer.Ordinal);
        RefuseNewerSchema(journal, scripts);
        foreach (var (name, text) in scripts.Where(s => !journal.Contains(s.Name)))
        {
            foreach (var batch in Batches(text))
            {
                await connection.ExecuteAsync(Unlimited(batch, null, transaction, cancellationToken)).ConfigureAwait(false);
            }

            await connection.ExecuteAsync(Unlimited(WriteJournal, new { script = name, appliedAt = ToDatabase(_time.GetUtcNow()) }, transaction, cancellationToken))
                .ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }, "apply the schema");

    /// <summary>A read retried after a transient error (a fail-over, a dropped connection): reads are idempotent.</summary>
    protected override async Task<T> RetryAsync<T>(Func<Task<T>> attempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        for (var n = 1; ; n++)
        {
            try
            {
                return await attempt().ConfigureAwait(false);
            }
            catch (StoreException e) when (n < RetryAttempts && IsTransient(e.InnerException))
            {
                await Task.Delay(RetryPause, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>A command of a migration: no time-out (0), cancelled only by the token.</summary>
    private static CommandDefinition Unlimited(string sql, object? parameters, DbTransaction transaction, CancellationToken cancellationToken) =>
        new(sql, parameters, transaction, commandTimeout: 0, cancellationToken: cancellationToken);

    [GeneratedRegex(@"^\s*GO\s*$", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex GoLine();
}
