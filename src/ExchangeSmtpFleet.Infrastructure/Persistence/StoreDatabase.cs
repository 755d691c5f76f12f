using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using Dapper;
using ExchangeSmtpFleet.Core.Storage;

namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>
/// The small dialect object every storage role of one database works over: how to open a connection with the schema in
/// place, how a provider's error becomes one line that names the database, how a time is stored. The roles (run writer,
/// history, ledger, maintenance) hold their own SQL; this holds none but the schema's.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001:Types that own disposable fields should be disposable",
    Justification = "The semaphore never hands out its wait handle, so there is nothing to dispose; the database object lives as long as the process.")]
internal abstract class StoreDatabase
{
    /// <summary>A start that took the audit lock and died before storing its run blocks the next audit this long.</summary>
    public static readonly TimeSpan OrphanedLock = TimeSpan.FromMinutes(10);

    private readonly SemaphoreSlim _migrating = new(1, 1);
    private volatile bool _migrated;

    /// <summary>Which database, for messages: provider and file or server, never a password.</summary>
    public abstract string Description { get; }

    /// <summary>A time as this dialect stores it (parameters).</summary>
    public abstract object ToDatabase(DateTimeOffset value);

    /// <summary>One line for a provider error: which database, what failed, what to do.</summary>
    /// <param name="error">The provider's error.</param>
    /// <param name="what">What was being done (<c>store results</c>).</param>
    public abstract StoreException Explain(DbException error, string what);

    /// <summary>A time as a provider returns it: text in SQLite, <see cref="DateTime"/> (UTC) in SQL Server.</summary>
    public static DateTimeOffset Timestamp(object value) => value switch
    {
        string text => StoredText.ParseTimestamp(text),
        DateTime time => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)),
        DateTimeOffset offset => offset,
        _ => throw new InvalidCastException(string.Create(CultureInfo.InvariantCulture, $"not a timestamp: {value?.GetType()}")),
    };

    /// <summary>A nullable time as a provider returns it.</summary>
    public static DateTimeOffset? NullableTimestamp(object? value) => value is null or DBNull ? null : Timestamp(value);

    /// <summary>The dialect's schema scripts in the order they apply.</summary>
    public abstract IReadOnlyList<(string Name, string Text)> Scripts { get; }

    /// <summary>Creates or upgrades the schema (again: nothing changes).</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(create: true, cancellationToken).ConfigureAwait(false);
        await MigrateOnceAsync(connection, force: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An open connection for writing, the database created when missing and its schema in place (checked once per process and database).</summary>
    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenConnectionAsync(create: true, cancellationToken).ConfigureAwait(false);
        try
        {
            await MigrateOnceAsync(connection, force: false, cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// An open connection for reading: a database that does not exist is not created, and its schema version is read without
    /// a write transaction (a reader never waits for a writer's lock); only a schema older than this build is upgraded.
    /// </summary>
    public async Task<DbConnection> OpenForReadingAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenConnectionAsync(create: false, cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_migrated)
            {
                var applied = await AppliedScriptsAsync(connection, cancellationToken).ConfigureAwait(false);
                if (applied is not null)
                {
                    RefuseNewerSchema(applied, Scripts);
                }

                if (applied is null || Scripts.Any(s => !applied.Contains(s.Name)))
                {
                    await MigrateOnceAsync(connection, force: false, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    _migrated = true;
                }
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The scripts the database's journal lists, read without changing anything; null when it has no journal yet. Errors explained.</summary>
    public abstract Task<IReadOnlySet<string>?> AppliedScriptsAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>How the database's schema compares with this build's: the check of <c>esfleet db check</c>.</summary>
    public async Task<StoreCheck> SchemaCheckAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var applied = await AppliedScriptsAsync(connection, cancellationToken).ConfigureAwait(false) ?? new HashSet<string>();
        var newer = applied.Except(Scripts.Select(s => s.Name), StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var missing = Scripts.Select(s => s.Name).Where(n => !applied.Contains(n)).ToList();
        var version = $"{Scripts.Count - missing.Count} of {Scripts.Count} scripts of this build applied";
        return newer.Count > 0 ? new StoreCheck("schema", CheckOutcome.Fail, $"made by a newer esfleet (script {newer[0]} is unknown to this build): use the newer esfleet")
            : missing.Count == Scripts.Count ? new StoreCheck("schema", CheckOutcome.Warn, $"empty: the first run creates the schema, or esfleet db migrate ({Scripts[^1].Name} is the newest script)")
            : missing.Count > 0 ? new StoreCheck("schema", CheckOutcome.Warn, $"{version}: the next run upgrades it, or esfleet db migrate (missing {string.Join(", ", missing)})")
            : new StoreCheck("schema", CheckOutcome.Pass, $"{version}, up to date ({Scripts[^1].Name})");
    }

    /// <summary>Runs <paramref name="action"/>, turning a database error into one line that names the database.</summary>
    public async Task<T> Guard<T>(Func<Task<T>> action, string what)
    {
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (DbException e)
        {
            throw Explain(e, what);
        }
        catch (AggregateException e) when (e.InnerExceptions.LastOrDefault() is DbException last)
        {
            // A provider's retry logic that gave up (SqlClient's) gathers its attempts: the last one says what went wrong.
            throw Explain(last, what);
        }
    }

    /// <summary>
    /// A query (or a few) on a fresh connection, errors explained: for reading (the history: a database that does not exist
    /// is an error), or with <paramref name="create"/> for a role that writes too (the ledger: the database is made as for a write).
    /// </summary>
    public async Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> query, CancellationToken cancellationToken, bool create = false)
    {
        ArgumentNullException.ThrowIfNull(query);
        return await RetryAsync(async () =>
        {
            await using var connection = create
                ? await OpenAsync(cancellationToken).ConfigureAwait(false)
                : await OpenForReadingAsync(cancellationToken).ConfigureAwait(false);
            return await Guard(() => query(connection), "read").ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs a read again after an error another attempt may get past, as the dialect judges; by default once only.</summary>
    /// <param name="attempt">One attempt, errors explained (<see cref="StoreException"/>).</param>
    /// <param name="cancellationToken">Cancels the pauses between attempts.</param>
    protected virtual Task<T> RetryAsync<T>(Func<Task<T>> attempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        return attempt();
    }

    /// <summary>One statement (or a few) in a transaction of its own on a fresh connection, errors explained.</summary>
    public async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> write, string what, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await Guard(async () =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var result = await write(connection, transaction).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return result;
        }, what).ConfigureAwait(false);
    }

    /// <summary>
    /// Streams the rows of a query one at a time (no other command runs on its connection meanwhile), errors explained.
    /// Opening is retried as a read is; rows once handed out are not read again.
    /// </summary>
    public async IAsyncEnumerable<TRow> StreamAsync<TRow>(string sql, object parameters, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await RetryAsync(() => OpenForReadingAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
        var enumerator = connection.QueryUnbufferedAsync<TRow>(sql, parameters).GetAsyncEnumerator(cancellationToken);
        await using var rows = enumerator.ConfigureAwait(false);
        while (true)
        {
            bool more;
            try
            {
                more = await enumerator.MoveNextAsync().ConfigureAwait(false);
            }
            catch (DbException e)
            {
                throw Explain(e, "read");
            }

            if (!more)
            {
                yield break;
            }

            yield return enumerator.Current;
        }
    }

    /// <summary>
    /// Opens a connection (folder, pragmas, retry logic: whatever the dialect needs); errors explained. Without
    /// <paramref name="create"/> a database that does not exist is an error (what a reading command finds), not made.
    /// </summary>
    public abstract Task<DbConnection> OpenConnectionAsync(bool create, CancellationToken cancellationToken);

    /// <summary>Applies the dialect's schema scripts that the journal does not list yet, refusing a newer schema.</summary>
    protected abstract Task ApplySchemaAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Refuses a database whose journal names a script this build does not have: a newer esfleet made it.</summary>
    protected void RefuseNewerSchema(IEnumerable<string> applied, IReadOnlyList<(string Name, string Text)> scripts)
    {
        var unknown = applied.Except(scripts.Select(s => s.Name), StringComparer.Ordinal).Order(StringComparer.Ordinal).FirstOrDefault();
        if (unknown is not null)
        {
            throw new StoreException(
                $"{Description}: its schema is newer than this esfleet (script {unknown} is not known to version {typeof(StoreDatabase).Assembly.GetName().Version}): use the newer esfleet");
        }
    }

    /// <summary>The schema check, once per process and database unless forced; serialised within the process.</summary>
    private async Task MigrateOnceAsync(DbConnection connection, bool force, CancellationToken cancellationToken)
    {
        if (_migrated && !force)
        {
            return;
        }

        await _migrating.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_migrated || force)
            {
                await ApplySchemaAsync(connection, cancellationToken).ConfigureAwait(false);
                _migrated = true;
            }
        }
        finally
        {
            _migrating.Release();
        }
    }
}
