using ExchangeSmtpFleet.Core.Storage;

namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>
/// The storage roles of one database (SPEC 6), each a class of its dialect over one shared dialect object: what the
/// composition root registers, one role per contract.
/// </summary>
/// <param name="Writer">Begins runs, takes their results, finishes them.</param>
/// <param name="History">What the report, the mail, the dashboard and the reading commands read.</param>
/// <param name="Ledger">The audit lock and the steps of runs.</param>
/// <param name="Maintenance">Schema and pruning.</param>
public sealed record AuditStorage(IRunWriter Writer, IAuditHistory History, IJobLedger Ledger, IStoreMaintenance Maintenance)
{
    /// <summary>
    /// The schema of Hangfire's job storage in a PostgreSQL database of the store: the job host makes it, <c>db check</c>
    /// looks for it.
    /// </summary>
    public const string PostgresJobSchema = "hangfire";

    /// <summary>Which database, for messages.</summary>
    public string Description => History.Description;

    /// <summary>The embedded SQLite file <paramref name="path"/> (created with its folder on first use).</summary>
    /// <param name="path">The database file.</param>
    /// <param name="time">The clock.</param>
    public static AuditStorage Sqlite(string path, TimeProvider time) => Sqlite(path, time, SqliteDatabase.DefaultBusyTimeout);

    /// <summary>SQL Server, in the database the connection string names.</summary>
    /// <param name="connectionString">A SqlClient connection string (never shown).</param>
    /// <param name="time">The clock.</param>
    /// <exception cref="StoreException">The connection string cannot be read.</exception>
    public static AuditStorage SqlServer(string connectionString, TimeProvider time) => SqlServer(new SqlServerDatabase(connectionString, time));

    /// <summary>PostgreSQL, in the database (and the search_path's first schema) the connection string names.</summary>
    /// <param name="connectionString">An Npgsql connection string (never shown).</param>
    /// <param name="time">The clock.</param>
    /// <exception cref="StoreException">The connection string cannot be read.</exception>
    public static AuditStorage Postgres(string connectionString, TimeProvider time) => Postgres(new PostgresDatabase(connectionString, time));

    /// <summary>SQLite with its own wait for another process's lock (tests).</summary>
    internal static AuditStorage Sqlite(string path, TimeProvider time, TimeSpan busyTimeout)
    {
        var db = new SqliteDatabase(path, time, busyTimeout);
        return new AuditStorage(new SqliteRunWriter(db), new SqliteAuditHistory(db), new SqliteJobLedger(db), new SqliteMaintenance(db));
    }

    /// <summary>SQL Server over a database object of the caller's (tests set its retry pause).</summary>
    internal static AuditStorage SqlServer(SqlServerDatabase db) =>
        new(new SqlServerRunWriter(db), new SqlServerAuditHistory(db), new SqlServerJobLedger(db), new SqlServerMaintenance(db));

    /// <summary>PostgreSQL over a database object of the caller's (tests set its retry pause).</summary>
    internal static AuditStorage Postgres(PostgresDatabase db) =>
        new(new PostgresRunWriter(db), new PostgresAuditHistory(db), new PostgresJobLedger(db), new PostgresMaintenance(db));
}
