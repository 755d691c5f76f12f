using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Probing;
using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Hosting;
using ExchangeSmtpFleet.Infrastructure.Persistence;
using ExchangeSmtpFleet.Smtp.Probing;
using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.SqlServer;
using Hangfire.Storage.SQLite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ExchangeSmtpFleet.Jobs;

/// <summary>The registrations of the audit's jobs and the choice of Hangfire storage (SPEC 7).</summary>
internal static class JobServices
{
    /// <summary>The embedded job storage's file in the data folder.</summary>
    public const string EmbeddedStorageFile = "hangfire.db";

    /// <summary>The embedded job storage of demos, apart from the one of <c>serve</c> (one process per SQLite storage).</summary>
    public const string DemoStorageFile = "hangfire-demo.db";

    /// <summary>The schema of Hangfire's tables in the SQL Server database.</summary>
    public const string HangfireSchema = "HangFire";

    private static readonly Lock Gate = new();
    private static bool _configured;

    /// <summary>
    /// The audit's jobs over <paramref name="storage"/>: the job client and recurring-job manager, the job queue the workflow
    /// queues into, one probe limit for the whole process, the nightly audit's own checks (serve, demo) and the job class.
    /// </summary>
    /// <param name="services">The services of the host.</param>
    /// <param name="role">What the host is.</param>
    /// <param name="storage">Makes the Hangfire storage from the host's services when first asked for.</param>
    public static IServiceCollection AddAuditJobs(this IServiceCollection services, JobHostRole role, Func<IServiceProvider, JobStorage> storage)
    {
        ConfigureHangfireOnce();
        services.AddSingleton(sp => Open(sp, storage));
        services.AddSingleton<IBackgroundJobClient>(sp => new BackgroundJobClient(sp.GetRequiredService<JobStorage>()));
        services.AddSingleton<IRecurringJobManager>(sp => new RecurringJobManager(sp.GetRequiredService<JobStorage>()));

        // This host's jobs are made from this host's services. Hangfire's own registration is JobActivator.Current, which
        // every host's AddHangfire sets process-wide: with two hosts built at once (the tests' hosts side by side) one
        // host's server could make its jobs from the other's container (its prober, its meter).
        services.AddSingleton<JobActivator>(sp => new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddSingleton<IAuditJobQueue, HangfireJobQueue>();
        if (role != JobHostRole.Worker)
        {
            services.AddSingleton<IValidateOptions<AuditSettings>, NightlyAuditValidator>();
        }

        // One probe limit for the process: batches running side by side share Audit:Concurrency sockets. Inside it, each
        // probe's duration goes to the meter (/metrics) as it finishes.
        services.TryAddSingleton<AuditMeter>();
        services.Replace(ServiceDescriptor.Singleton<IHostProber>(sp => new SharedProbeLimit(
            new MeasuredProber(sp.GetRequiredService<SmtpProber>(), sp.GetRequiredService<AuditMeter>()),
            sp.GetRequiredService<AuditSettings>().EffectiveConcurrency)));
        services.AddTransient<AuditJobs>();
        return services;
    }

    /// <summary>
    /// The Hangfire storage the configuration names: SQL Server's (schema <c>HangFire</c> in the <c>Fleet</c> database)
    /// when the database is SQL Server, PostgreSQL's (schema <c>hangfire</c>, <see cref="PostgresJobStorage"/>) when it is
    /// PostgreSQL, both shared by every server; otherwise the embedded SQLite file in the data folder, for one process only
    /// (<see cref="IsEmbedded"/>).
    /// </summary>
    /// <param name="configuration">The configuration.</param>
    /// <param name="database">The database settings.</param>
    /// <param name="jobTimeout">The embedded storage's job time-out (<see cref="AuditSettings.JobTimeout"/>).</param>
    /// <param name="file">The embedded storage's file name in the data folder.</param>
    /// <param name="pollInterval">How often an idle worker of the embedded storage looks for a job (default 1 s).</param>
    public static JobStorage CreateStorage(IConfiguration configuration, DatabaseSettings database, TimeSpan jobTimeout, string file = EmbeddedStorageFile, TimeSpan? pollInterval = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(database);
        if (database.IsPostgres)
        {
            var postgres = configuration.GetConnectionString(DatabaseSettings.ConnectionStringName);
            return string.IsNullOrWhiteSpace(postgres)
                ? throw new ConfigurationProblemException(
                    $"{DatabaseSettings.Section}:{nameof(DatabaseSettings.Provider)} is postgres but ConnectionStrings:{DatabaseSettings.ConnectionStringName} is empty")
                : PostgresJobStorage.Create(postgres, TimeSpan.FromSeconds(database.JobInvisibilitySeconds));
        }

        if (database.IsSqlServer)
        {
            var connectionString = configuration.GetConnectionString(DatabaseSettings.ConnectionStringName);
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new ConfigurationProblemException(
                    $"{DatabaseSettings.Section}:{nameof(DatabaseSettings.Provider)} is sqlserver but ConnectionStrings:{DatabaseSettings.ConnectionStringName} is empty");
            }

            var description = HangfireDescription(connectionString);
            SqlServerStorage storage;
            try
            {
                // SqlClient's Microsoft package, as the audit database uses: the same connection string means the same
                // encryption and certificate checks (Encrypt=Strict is unknown to System.Data.SqlClient).
                storage = new SqlServerStorage(connectionString, new SqlServerStorageOptions
                {
                    PrepareSchemaIfNecessary = true,
                    SchemaName = HangfireSchema,
                    SqlClientFactory = Microsoft.Data.SqlClient.SqlClientFactory.Instance,
                });
            }
            catch (Exception e) when (e is System.Data.Common.DbException or AggregateException)
            {
                throw SqlServerErrors.Explain(description, e, "prepare its schema");
            }

            CheckOnce(storage, description);
            return storage;
        }

        var directory = DatabaseSettings.DataDirectory(configuration);
        Directory.CreateDirectory(directory);
        return EmbeddedJobStorage.Open(Path.Combine(directory, file), new SQLiteStorageOptions
        {
            InvisibilityTimeout = jobTimeout,
            QueuePollInterval = pollInterval ?? TimeSpan.FromSeconds(1),
        });
    }

    /// <summary>
    /// Opens the job storage and asks it once, so that a storage that cannot be used (a connection string that cannot be
    /// read, a server that does not answer, a job file that is garbage, a directory or locked) is one line at start, not
    /// a log line every 15 seconds for ever. Hangfire's SQL Server storage only logs its own start-up errors.
    /// </summary>
    /// <exception cref="StoreException">The storage cannot be used; the message names it, never a password.</exception>
    public static void CheckStorage(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var storage = services.GetRequiredService<JobStorage>();
        try
        {
            using var connection = storage.GetConnection();
            _ = connection.GetAllItemsFromSet("recurring-jobs");
        }
        catch (Exception e) when (e is not (OperationCanceledException or ConfigurationProblemException or StoreException))
        {
            throw Unusable(services, e);
        }
    }

    /// <summary>Makes the storage; whatever its constructor throws (SQLite's, SqlClient's, an argument of a connection string) is one line.</summary>
    private static JobStorage Open(IServiceProvider services, Func<IServiceProvider, JobStorage> storage)
    {
        try
        {
            return storage(services);
        }
        catch (Exception e) when (e is not (OperationCanceledException or ConfigurationProblemException or StoreException))
        {
            throw Unusable(services, e);
        }
    }

    private static StoreException Unusable(IServiceProvider services, Exception error)
    {
        var configuration = services.GetRequiredService<IConfiguration>();
        var database = services.GetRequiredService<DatabaseSettings>();
        var name = database.IsShared
            ? $"the job storage (schema {(database.IsPostgres ? AuditStorage.PostgresJobSchema : HangfireSchema)} of ConnectionStrings:{DatabaseSettings.ConnectionStringName})"
            : $"the job storage in {Path.GetFullPath(DatabaseSettings.DataDirectory(configuration))} ({EmbeddedStorageFile}, or {DemoStorageFile} for demo)";
        var message = error is AggregateException { InnerException: { } inner } ? inner.Message : error.Message;
        var advice = error.GetType().Name.StartsWith("SQLite", StringComparison.Ordinal)
            ? "; it is not a job storage (move it away: a new one is made) or another process holds it"
            : string.Empty;
        return new StoreException($"{name} cannot be used: {message.Split('\n')[0].Trim()}{advice}", error);
    }

    /// <summary>
    /// Hangfire's own script for its schema (idempotent: it checks the version it finds in <c>HangFire.[Schema]</c>), as
    /// <c>db script --provider sqlserver</c> prints it after esfleet's: with it applied, serve and workers run as a login with
    /// read and write rights only (Hangfire then only reads its version at start).
    /// </summary>
    public static string HangfireSchemaScript() =>
        $"""
        -- Hangfire's job storage: the schema {HangfireSchema} as Hangfire.SqlServer {typeof(SqlServerStorage).Assembly.GetName().Version} installs it
        -- (idempotent and versioned; serve and workers check it at start and change nothing when it is current).
        {SqlServerObjectsInstaller.GetInstallScript(HangfireSchema, enableHeavyMigrations: true).Trim()}
        GO

        """;

    /// <summary>
    /// Hangfire.SqlServer catches the errors of preparing its schema and of connecting, retries and only logs them: serve
    /// would fail later with an internal error and a worker would loop silently. One query of its tables at start says
    /// what is wrong in one line instead (the TLS handshake, the login, a schema the login may not create; issue 21, item 11).
    /// </summary>
    private static void CheckOnce(SqlServerStorage storage, string description)
    {
        try
        {
            _ = storage.GetMonitoringApi().Servers();
        }
        catch (Exception e) when (e is System.Data.Common.DbException or AggregateException)
        {
            throw SqlServerErrors.Explain(description, e, "use it");
        }
    }

    /// <summary>The job storage for messages: server and database, never the password.</summary>
    private static string HangfireDescription(string connectionString)
    {
        try
        {
            var builder = new Microsoft.Data.SqlClient.SqlConnectionStringBuilder(connectionString);
            return $"the Hangfire job storage (schema {HangfireSchema}) in SQL Server database {(string.IsNullOrEmpty(builder.InitialCatalog) ? "(default)" : builder.InitialCatalog)} on {builder.DataSource}";
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException)
        {
            throw new StoreException($"SQL Server: the connection string (ConnectionStrings:{DatabaseSettings.ConnectionStringName}) cannot be read; check its keywords and quoting", e);
        }
    }

    /// <summary>Whether a storage is the embedded single-process one (a restart may resume its runs at once).</summary>
    public static bool IsEmbedded(JobStorage storage) => storage is SQLiteStorage;

    /// <summary>Hangfire's serializer settings are process-wide: set once (Newtonsoft with the 1.8 defaults).</summary>
    private static void ConfigureHangfireOnce()
    {
        lock (Gate)
        {
            if (!_configured)
            {
                GlobalConfiguration.Configuration
                    .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                    .UseSimpleAssemblyNameTypeSerializer()
                    .UseRecommendedSerializerSettings();
                _configured = true;
            }
        }
    }
}
