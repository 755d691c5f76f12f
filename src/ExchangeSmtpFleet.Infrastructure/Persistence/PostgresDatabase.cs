using System.Data.Common;
using System.Globalization;
using System.Net.Sockets;
using Dapper;
using ExchangeSmtpFleet.Core.Storage;
using Npgsql;

namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>
/// The other shared database (SPEC 6, issue 22): PostgreSQL over Npgsql. Tables live in the connection's schema (the first
/// of its search_path); times are <c>timestamptz</c> (UTC instants). Migrations are serialised across processes by an
/// advisory lock; transient errors (a lost connection, a restart, a serialization failure or deadlock) are retried
/// around idempotent units of work (<see cref="WithRetryAsync{T}"/>).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001:Types that own disposable fields should be disposable",
    Justification = "The data source (the connection pool) lives as long as the process, as the database object does.")]
internal sealed class PostgresDatabase : StoreDatabase
{
    /// <summary>The schema Hangfire's PostgreSQL storage keeps its jobs in (the executable's job storage uses it too).</summary>
    public const string HangfireSchema = AuditStorage.PostgresJobSchema;

    /// <summary>
    /// The key of the transaction-level advisory lock that serialises schema migrations of one database across processes
    /// ("ESFLEET1" in ASCII). Advisory locks are per database, so databases on one server never wait for each other.
    /// </summary>
    internal const long MigrationLockKey = 0x4553_464C_4545_5431;

    /// <summary>The journal of applied schema scripts (also printed by <c>db script</c>).</summary>
    internal const string CreateJournal =
        "CREATE TABLE IF NOT EXISTS schema_versions (script varchar(256) NOT NULL CONSTRAINT pk_schema_versions PRIMARY KEY, applied_at timestamptz NOT NULL);";

    private const string JournalExists = "SELECT to_regclass('schema_versions') IS NOT NULL;";

    private const string ReadJournal = "SELECT script FROM schema_versions;";

    private const string WriteJournal = "INSERT INTO schema_versions (script, applied_at) VALUES (@script, @appliedAt);";

    private const string TakeMigrationLock = "SELECT pg_advisory_xact_lock(@key);";

    /// <summary>Attempts of an idempotent unit of work before a transient error is given up on.</summary>
    private const int RetryAttempts = 6;

    private readonly NpgsqlDataSource _source;
    private readonly string _description;
    private readonly TimeProvider _time;

    /// <param name="connectionString">An Npgsql connection string (never shown: the description names host, port and database only).</param>
    /// <param name="time">The clock (when a schema script was applied; pauses between retries).</param>
    /// <exception cref="StoreException">The connection string cannot be read.</exception>
    public PostgresDatabase(string connectionString, TimeProvider time)
    {
        _time = time;
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException or InvalidCastException)
        {
            // The builder's message can quote the string, password included: say what is wrong without it.
            throw new StoreException("PostgreSQL: the connection string (ConnectionStrings:Fleet) cannot be read; check its keywords and quoting", e);
        }

        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            throw new StoreException("PostgreSQL: the connection string (ConnectionStrings:Fleet) names no Host");
        }

        _description = string.Create(CultureInfo.InvariantCulture,
            $"PostgreSQL database {(string.IsNullOrEmpty(builder.Database) ? "(the user's)" : builder.Database)} on {builder.Host}:{builder.Port}");
        PostgresSessions.AddKeepalives(builder);
        _source = NpgsqlDataSource.Create(builder);
    }

    public override string Description => _description;

    public override IReadOnlyList<(string Name, string Text)> Scripts { get; } = SchemaScripts.For(SchemaScripts.Postgres);

    /// <summary>Pause before the first retry after a transient error; it doubles with each further attempt.</summary>
    internal TimeSpan RetryPause { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// True for errors a new attempt of an idempotent unit of work may get past: the connection lost or refused (the server
    /// restarts, a network is briefly away, a time-out), class 08 (connection exception), 40001 serialization failure,
    /// 40P01 deadlock, 57P01-57P03 (the server shuts down, crashed, or is starting), 53300 too many connections.
    /// </summary>
    internal static bool IsTransient(Exception? error) => error switch
    {
        PostgresException postgres => postgres.SqlState is "40001" or "40P01" or "57P01" or "57P02" or "57P03" or "53300"
            || postgres.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is EndOfStreamException,
        _ => false,
    };

    public override object ToDatabase(DateTimeOffset value) => value.UtcDateTime;

    public override StoreException Explain(DbException error, string what)
    {
        ArgumentNullException.ThrowIfNull(error);
        var state = error is PostgresException postgres ? postgres.SqlState : null;
        var advice = state switch
        {
            "28P01" or "28000" => "the login failed; check Username and Password of ConnectionStrings:Fleet (and pg_hba.conf on the server)",
            "3D000" => "the database does not exist; a DBA creates it (CREATE DATABASE ... OWNER ...) or check Database in ConnectionStrings:Fleet",
            "42501" => "permission denied; the login needs SELECT, INSERT, UPDATE, DELETE on the tables and TEMP on the database (CREATE on the schema to migrate, or a DBA applies esfleet db script --provider postgres)",
            "40001" or "40P01" => "a conflict with another writer; run again",
            "57P01" or "57P02" or "57P03" => "the server is shutting down or starting; try again in a moment",
            "53300" => "the server has no connection slot left (max_connections); lower Audit:Workers or raise max_connections",
            "42P01" or "42703" => "its schema does not match this esfleet; run esfleet db check",
            { } other when other.StartsWith("08", StringComparison.Ordinal) => "the connection failed; check the server and the network",
            null when error.InnerException is TimeoutException => "the server did not answer in time",
            null when error.InnerException is SocketException or IOException or EndOfStreamException => "the server cannot be reached or closed the connection; check Host and Port, the firewall, and that PostgreSQL listens there",
            _ => "see the PostgreSQL message",
        };
        var code = state is null ? string.Empty : $" {state}";
        return new StoreException($"{Description}: cannot {what}: {advice} (PostgreSQL error{code}: {OneLine(error)})", error);
    }

    /// <summary>An open connection with the schema in place, as the Npgsql type (the sink copies on it).</summary>
    public async Task<NpgsqlConnection> OpenNpgsqlAsync(CancellationToken cancellationToken) =>
        (NpgsqlConnection)await OpenAsync(cancellationToken).ConfigureAwait(false);

    /// <remarks>A PostgreSQL database is made by its DBA: <paramref name="create"/> makes no difference.</remarks>
    public override async Task<DbConnection> OpenConnectionAsync(bool create, CancellationToken cancellationToken)
    {
        try
        {
            return await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException e)
        {
            throw Explain(e, "connect");
        }
    }

    /// <summary>
    /// Runs an idempotent unit of work (a batch, a run's snapshot, a ledger write, a read), errors explained; after a
    /// transient error <paramref name="afterTransient"/> drops what the attempt held, the pool's idle connections are
    /// dropped too (after a restart of the server every one of them is dead), and the unit runs again after a pause that
    /// doubles from <see cref="RetryPause"/>: six attempts span about 15 s of pauses, more than a restart takes.
    /// </summary>
    public async Task<T> WithRetryAsync<T>(Func<Task<T>> work, Func<ValueTask>? afterTransient, string what, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        var pause = RetryPause;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await Guard(work, what).ConfigureAwait(false);
            }
            catch (StoreException e) when (attempt < RetryAttempts && IsTransient(e.InnerException) && !cancellationToken.IsCancellationRequested)
            {
                if (afterTransient is not null)
                {
                    await afterTransient().ConfigureAwait(false);
                }

                _source.Clear();
                await Task.Delay(pause, _time, cancellationToken).ConfigureAwait(false);
                pause *= 2;
            }
        }
    }

    /// <summary>Every read (<see cref="StoreDatabase.ReadAsync{T}"/>, a stream's opening) is retried as a unit of work is.</summary>
    protected override Task<T> RetryAsync<T>(Func<Task<T>> attempt, CancellationToken cancellationToken) =>
        WithRetryAsync(attempt, null, "read", cancellationToken);

    /// <summary>A write in a transaction of its own (<see cref="StoreDatabase.WriteAsync{T}"/>) retried after a transient error: only for idempotent writes.</summary>
    public Task<T> RetryWriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> write, string what, CancellationToken cancellationToken) =>
        WithRetryAsync(() => WriteAsync(write, what, cancellationToken), null, what, cancellationToken);

    public override Task<IReadOnlySet<string>?> AppliedScriptsAsync(DbConnection connection, CancellationToken cancellationToken) => Guard(async () =>
        !await connection.ExecuteScalarAsync<bool>(new CommandDefinition(JournalExists, cancellationToken: cancellationToken)).ConfigureAwait(false)
            ? null
            : (IReadOnlySet<string>?)(await connection.QueryAsync<string>(new CommandDefinition(ReadJournal, cancellationToken: cancellationToken)).ConfigureAwait(false))
                .ToHashSet(StringComparer.Ordinal), "read its schema version");

    /// <summary>
    /// One transaction: the migration lock first (a second process that migrates at the same moment waits here until the
    /// first has committed, then finds every script journaled), then the journal made if missing (CREATE TABLE IF NOT
    /// EXISTS is not safe against a concurrent CREATE without the lock, and needs CREATE in the schema even when the table
    /// is there: a login with running rights only must not meet it), read, and the scripts it lacks applied and journaled
    /// in order. DDL is transactional in PostgreSQL: a script that fails leaves nothing of the upgrade.
    /// </summary>
    protected override Task ApplySchemaAsync(DbConnection connection, CancellationToken cancellationToken) => Guard(async () =>
    {
        var scripts = Scripts;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(TakeMigrationLock, new { key = MigrationLockKey }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (!await connection.ExecuteScalarAsync<bool>(new CommandDefinition(JournalExists, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false))
        {
            await connection.ExecuteAsync(new CommandDefinition(CreateJournal, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        var applied = (await connection.QueryAsync<string>(new CommandDefinition(ReadJournal, transaction: transaction, cancellationToken: cancellationToken))
            .ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        RefuseNewerSchema(applied, scripts);
        foreach (var (name, text) in scripts.Where(s => !applied.Contains(s.Name)))
        {
            // A script is one command of several statements (DO blocks included), sent without parameters.
            await connection.ExecuteAsync(new CommandDefinition(text, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition(
                WriteJournal, new { script = name, appliedAt = _time.GetUtcNow().UtcDateTime }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }, "apply the schema");

    /// <summary>The provider's message on one line (a server message can span several: detail, hint).</summary>
    private static string OneLine(DbException error)
    {
        var message = error is PostgresException postgres ? postgres.MessageText : error.InnerException is { } inner ? $"{error.Message} {inner.Message}" : error.Message;
        return string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}
