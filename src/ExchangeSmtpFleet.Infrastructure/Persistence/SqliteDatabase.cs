using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>
/// The embedded database (SPEC 6): one SQLite file, WAL journal (readers never wait for the nightly writer), a busy
/// time-out for the rare second writer. Times are stored as sortable text (<see cref="StoredText.Timestamp(DateTimeOffset)"/>).
/// </summary>
internal sealed class SqliteDatabase : StoreDatabase
{
    /// <summary>How long a statement waits for a lock held by another process before it fails.</summary>
    public static readonly TimeSpan DefaultBusyTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The journal of applied schema scripts (also printed by <c>db script</c>).</summary>
    internal const string CreateJournal = "CREATE TABLE IF NOT EXISTS schema_versions (script TEXT NOT NULL PRIMARY KEY, applied_at TEXT NOT NULL)";

    private const string JournalTable = "schema_versions";

    private readonly string _path;
    private readonly string _connectionString;
    private readonly string _existingOnly;
    private readonly TimeProvider _time;
    private readonly TimeSpan _busyTimeout;

    /// <param name="path">The database file (created with its folder on first use).</param>
    /// <param name="time">The clock (when a schema script was applied).</param>
    /// <param name="busyTimeout">How long a statement waits for another process's lock.</param>
    public SqliteDatabase(string path, TimeProvider time, TimeSpan busyTimeout)
    {
        _time = time;
        _busyTimeout = busyTimeout;
        _path = Path.GetFullPath(path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = (int)Math.Ceiling(busyTimeout.TotalSeconds),
        }.ToString();
        _existingOnly = new SqliteConnectionStringBuilder(_connectionString) { Mode = SqliteOpenMode.ReadWrite }.ToString();
    }

    /// <summary>The database file (full path).</summary>
    public string FilePath => _path;

    public override string Description => $"SQLite database {_path}";

    public override IReadOnlyList<(string Name, string Text)> Scripts { get; } = SchemaScripts.For(SchemaScripts.Sqlite);

    public override object ToDatabase(DateTimeOffset value) => StoredText.Timestamp(value);

    public override Core.Storage.StoreException Explain(DbException error, string what)
    {
        ArgumentNullException.ThrowIfNull(error);
        var code = error is SqliteException sqlite ? sqlite.SqliteErrorCode : 0;
        var advice = code switch
        {
            5 or 6 => $"it stayed locked by another process for {_busyTimeout.TotalSeconds:0} s; try again when the other scan has finished",
            8 => "it is read-only; check the file's permissions and that its file system is mounted writable",
            10 or 13 => "the disk failed or is full",
            11 or 26 => "it is corrupt or not a SQLite database; move it away (a new one is created) or restore a backup",
            14 => "it cannot be opened; check that the folder exists and is writable",
            _ => "see the SQLite message",
        };
        return new Core.Storage.StoreException($"{Description}: cannot {what}: {advice} (SQLite error {code}: {error.Message})", error);
    }

    /// <summary>The file opened as it is, for <c>db check</c>: not created, nothing switched (no WAL, no schema); only the busy time-out set.</summary>
    public async Task<SqliteConnection> OpenAsItIsAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_existingOnly);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            SqliteStatement.Execute(connection, $"PRAGMA busy_timeout = {(int)_busyTimeout.TotalMilliseconds};");
            return connection;
        }
        catch (SqliteException e)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw Explain(e, "open it");
        }
    }

    /// <summary>An open connection with the schema in place, as the SQLite type (the sink works on its handle).</summary>
    public async Task<SqliteConnection> OpenSqliteAsync(CancellationToken cancellationToken) =>
        (SqliteConnection)await OpenAsync(cancellationToken).ConfigureAwait(false);

    public override async Task<DbConnection> OpenConnectionAsync(bool create, CancellationToken cancellationToken)
    {
        if (Files.FileKind.Describe(_path) is { } notAFile)
        {
            // A FIFO, a device or a directory: SQLite would call it a failing disk.
            throw new Core.Storage.StoreException($"{Description}: {notAFile}; name a database file with --db or Database:Path");
        }

        if (!create && !File.Exists(_path))
        {
            throw new Core.Storage.StoreException(
                $"{Description}: there is no database there; check --db (a scan, an audit or serve creates it, or esfleet db migrate)");
        }

        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new Core.Storage.StoreException($"{Description}: cannot create its folder: {e.Message}", e);
        }

        var connection = new SqliteConnection(create ? _connectionString : _existingOnly);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

            // WAL: readers (history, the report) never wait for the writer. The busy time-out covers a second writer.
            // The busy time-out first: switching a new database to WAL may meet another process's lock.
            SqliteStatement.Execute(connection,
                $"PRAGMA busy_timeout = {(int)_busyTimeout.TotalMilliseconds}; PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;");
            return connection;
        }
        catch (SqliteException e)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw Explain(e, "open it");
        }
    }

    public override Task<IReadOnlySet<string>?> AppliedScriptsAsync(DbConnection connection, CancellationToken cancellationToken) => Guard(() =>
    {
        var sqlite = (SqliteConnection)connection;
        var exists = false;
        using (var table = new SqliteStatement(sqlite, "SELECT name FROM sqlite_master WHERE type = 'table' AND name = @journal", "@journal"))
        {
            table.Text(0, JournalTable).ReadTexts(_ => exists = true);
        }

        if (!exists)
        {
            return Task.FromResult<IReadOnlySet<string>?>(null);
        }

        var applied = new HashSet<string>(StringComparer.Ordinal);
        using (var journal = new SqliteStatement(sqlite, $"SELECT script FROM {JournalTable}"))
        {
            journal.ReadTexts(name => applied.Add(name));
        }

        return Task.FromResult<IReadOnlySet<string>?>(applied);
    }, "read its schema version");

    protected override Task ApplySchemaAsync(DbConnection connection, CancellationToken cancellationToken) => Guard(async () =>
    {
        // One write transaction (BEGIN IMMEDIATE) around reading the journal and applying what it lacks: two processes that
        // open a new database at the same moment (serve and a history command) apply each script once, one after the other.
        // Plain commands, not Dapper: a scan opens the store through here, and Dapper's first use costs a fresh process more
        // CPU than the schema check itself (BENCHMARKS.md, issue 9).
        var scripts = Scripts;
        var sqlite = (SqliteConnection)connection;
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        SqliteStatement.Execute(sqlite, CreateJournal);
        var applied = new HashSet<string>(StringComparer.Ordinal);
        using (var journal = new SqliteStatement(sqlite, $"SELECT script FROM {JournalTable}"))
        {
            journal.ReadTexts(name => applied.Add(name));
        }

        RefuseNewerSchema(applied, scripts);
        foreach (var (name, text) in scripts.Where(s => !applied.Contains(s.Name)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            SqliteStatement.Execute(sqlite, text);
            using var record = new SqliteStatement(sqlite, $"INSERT INTO {JournalTable} (script, applied_at) VALUES (@script, @appliedAt)", "@script", "@appliedAt");
            record.Text(0, name).Text(1, StoredText.Timestamp(_time.GetUtcNow())).Run();
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }, "apply the schema");
}
