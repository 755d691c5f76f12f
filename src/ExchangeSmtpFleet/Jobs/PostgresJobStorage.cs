using System.Globalization;
using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Infrastructure.Persistence;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Npgsql;

namespace ExchangeSmtpFleet.Jobs;

/// <summary>
/// Hangfire's job storage on PostgreSQL (Hangfire.PostgreSql), in the schema <c>hangfire</c> of the store's database: what
/// <c>serve</c> and every <c>serve --worker</c> share (README "Job storage on PostgreSQL" says why these values).
/// </summary>
internal static class PostgresJobStorage
{
    /// <summary>
    /// An idle worker asks for a job this often. A worker that finishes a batch asks again at once, and a job queued in the
    /// same process wakes its workers at once: the interval only delays the first batch a worker of another process takes
    /// and the report job after the last batch. One cheap query (an index scan with FOR UPDATE SKIP LOCKED) per idle
    /// worker per interval.
    /// </summary>
    public static readonly TimeSpan QueuePollInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A distributed lock of a process that died (Hangfire's schedulers take them) is broken after this, not after the
    /// ten minutes of the default; the locks are held for one poll of a scheduler, far less.
    /// </summary>
    public static readonly TimeSpan DistributedLockTimeout = TimeSpan.FromMinutes(1);

    /// <summary>The key of the session advisory lock around preparing Hangfire's schema ("ESFHANGF" in ASCII).</summary>
    private const long InstallLockKey = 0x4553_4648_414E_4746;

    /// <summary>
    /// The storage, its schema prepared and checked now: a connection string that does not work is one line here, at the
    /// start, not a failing server loop later (Hangfire.PostgreSql would otherwise retry and start "degraded"). Preparing
    /// the schema is serialised across processes by an advisory lock: <c>serve</c> and its workers starting at the same
    /// moment on an empty database would otherwise create it at once and fail on each other's objects.
    /// </summary>
    /// <param name="connectionString">The store's connection string (ConnectionStrings:Fleet).</param>
    /// <param name="invisibility">How long a fetched job stays invisible without its worker's heartbeat (Database:JobInvisibilitySeconds).</param>
    /// <exception cref="StoreException">The database cannot be reached or the schema cannot be prepared.</exception>
    public static JobStorage Create(string connectionString, TimeSpan invisibility)
    {
        var options = new PostgreSqlStorageOptions
        {
            SchemaName = AuditStorage.PostgresJobSchema,
            PrepareSchemaIfNecessary = true,
            StartupConnectionMaxRetries = 0,
            AllowDegradedModeWithoutStorage = false,

            // A live worker renews the jobs it holds every fifth of the invisibility time; one that died gives them back
            // after it (Database:JobInvisibilitySeconds, default five minutes).
            UseSlidingInvisibilityTimeout = true,
            InvisibilityTimeout = invisibility,
            QueuePollInterval = QueuePollInterval,
            DistributedLockTimeout = DistributedLockTimeout,
        };
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException or InvalidCastException)
        {
            throw new StoreException("PostgreSQL: the connection string (ConnectionStrings:Fleet) cannot be read; check its keywords and quoting", e);
        }

        var where = string.Create(CultureInfo.InvariantCulture, $"PostgreSQL database {builder.Database} on {builder.Host}:{builder.Port}");
        PostgresSessions.AddKeepalives(builder);
        connectionString = builder.ConnectionString;
        try
        {
            // The lock is the session's, and a pooled session outlives Close: it is given back explicitly (and by the
            // server if this process dies on the way).
            using var installing = new NpgsqlConnection(connectionString);
            installing.Open();
            using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", installing))
            {
                take.Parameters.AddWithValue("key", InstallLockKey);
                take.ExecuteNonQuery();
            }

            try
            {
                return new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, options), options);
            }
            finally
            {
                using var give = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", installing);
                give.Parameters.AddWithValue("key", InstallLockKey);
                give.ExecuteNonQuery();
            }
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            var cause = e is InvalidOperationException { InnerException: { } inner } ? inner : e;
            var message = cause is PostgresException postgres ? $"{postgres.MessageText} ({postgres.SqlState})" : cause.Message;
            throw new StoreException(
                $"{where}: the Hangfire job storage (schema {AuditStorage.PostgresJobSchema}) cannot be prepared: {message.ReplaceLineEndings(" ")}", e);
        }
    }
}
