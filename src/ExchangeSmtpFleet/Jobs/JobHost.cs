using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Hosting;
using Hangfire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ExchangeSmtpFleet.Jobs;

/// <summary>
/// The web host of <c>serve</c> and <c>demo</c>: Kestrel, a Hangfire server running the audit's jobs and the dashboard at
/// <c>/hangfire</c> (local requests only), over the composition root of every command.
/// </summary>
internal static class JobHost
{
    /// <summary>Where <c>serve</c> listens unless <c>--urls</c> says otherwise: loopback only.</summary>
    public const string DefaultUrls = "http://127.0.0.1:5080";

    /// <summary>Builds the host; every setting (Audit:* included) is validated here.</summary>
    /// <param name="time">The clock.</param>
    /// <param name="overrides">Settings from the command line.</param>
    /// <param name="settingsFile">The appsettings file, or null.</param>
    /// <param name="urls">Where Kestrel listens.</param>
    /// <param name="storage">The Hangfire storage for the configuration, the database settings and the job time-out; tests pass their own.</param>
    /// <param name="role">What the host is: serve, a worker or the demo.</param>
    /// <exception cref="ConfigurationProblemException">Settings are wrong; the problems name them.</exception>
    public static WebApplication Build(
        TimeProvider time, IReadOnlyDictionary<string, string?> overrides, string? settingsFile, string urls,
        Func<IConfiguration, DatabaseSettings, TimeSpan, JobStorage> storage, JobHostRole role)
    {
        // The batches probe many hosts at once: the descriptor limit as high as this process may set it (as for scan).
        _ = FileDescriptors.RaiseSoftLimit();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, ApplicationName = "esfleet" });
        builder.WebHost.UseKestrelCore().UseKestrelHttpsConfiguration().UseUrls(urls)
            .ConfigureKestrel((context, kestrel) => kestrel.Configure(context.Configuration.GetSection("Kestrel"), reloadOnChange: false));

        // Under systemd (Type=notify) or the Windows service manager: ready and stopping are told to them, a stop request
        // stops the host as Ctrl+C does. Elsewhere both do nothing.
        builder.Services.AddSystemd();
        builder.Services.AddWindowsService();
        EsfleetHost.Configure(builder, time, overrides, settingsFile);
        var startLog = new HostStartLog();
        builder.Services.AddSingleton(startLog);
        builder.Logging.AddFilter(HostStartLog.Category, startLog.Allows);

        // A server's log says what each job did (one line per job) unless the configuration sets esfleet's level itself.
        if (role != JobHostRole.Demo && builder.Configuration["Logging:LogLevel:ExchangeSmtpFleet"] is null)
        {
            builder.Logging.AddFilter("ExchangeSmtpFleet", LogLevel.Information);
        }

        // The storage is made from the validated settings when first asked for (after the checks below).
        builder.Services.AddAuditJobs(role, sp => storage(
            sp.GetRequiredService<IConfiguration>(),
            sp.GetRequiredService<DatabaseSettings>(),
            sp.GetRequiredService<AuditSettings>().JobTimeout(sp.GetRequiredService<ProbeSettings>())));
        if (role != JobHostRole.Worker)
        {
            builder.Services.AddAuditDashboard(builder.Configuration);
        }

        builder.Services.AddAuditMonitoring();

        // After ours: Hangfire only adds what is missing (the storage, client and manager above stay this host's).
        builder.Services.AddHangfire((sp, configuration) => configuration.UseLogProvider(new HostLogProvider(sp.GetRequiredService<ILoggerFactory>())));
        builder.Services.AddHangfireServer((sp, options) =>
        {
            options.WorkerCount = sp.GetRequiredService<AuditSettings>().Workers;

            // Workers take batches only: starting a run, the report and the mail need the inventory, the reports folder
            // and the relay, which the main server has.
            // On SQL Server Hangfire fetches queues in the order of their names, not of this list: "batches" before
            // "control". It matters little, since a run's control jobs (start, report, mail) come before or after its
            // batches, not among them.
            options.Queues = role == JobHostRole.Worker ? [AuditQueues.Batches] : [AuditQueues.Control, AuditQueues.Batches];

            // Hangfire's default schedule polling (15 s), not 1 s: on SQL Server every server runs a locked query each time,
            // and the only delayed jobs are retries after 1, 5 and 15 minutes (issue 21, item 11).
            options.ServerName = $"esfleet{(role == JobHostRole.Worker ? "-worker" : string.Empty)}:{Environment.MachineName}:{Environment.ProcessId}";
            options.ShutdownTimeout = TimeSpan.FromSeconds(30);
        });

        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(45));
        var app = builder.Build();
        EsfleetHost.Validate(app.Services);
        if (role != JobHostRole.Worker)
        {
            app.MapAuditDashboard();
        }

        app.MapAuditMonitoring();
        return app;
    }

    /// <summary>
    /// Starts the host, everything that can fail checked before the first job runs, each failure one line: the audit
    /// database created or upgraded, the job storage opened and asked once (a bad connection string, a server that
    /// cannot be reached, a garbage or locked job file), the nightly audit registered (serve), then Kestrel and the
    /// Hangfire server.
    /// </summary>
    /// <exception cref="StoreException">The audit database or the job storage cannot be used.</exception>
    /// <exception cref="ConfigurationProblemException">The cron expression is not one.</exception>
    /// <exception cref="Cli.CommandException">Kestrel cannot listen (the address is taken, the certificate is missing or its password wrong).</exception>
    public static async Task StartAsync(WebApplication app, JobHostRole role, string urls, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        await app.Services.GetRequiredService<IStoreMaintenance>().MigrateAsync(cancellationToken).ConfigureAwait(false);
        JobServices.CheckStorage(app.Services);
        if (role == JobHostRole.Serve)
        {
            RegisterNightlyAudit(app.Services);
        }

        if (role != JobHostRole.Worker)
        {
            // Risky but allowed (a mail password in clear): said once at start, where the admin looks.
            var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ExchangeSmtpFleet.Mail");
            foreach (var warning in app.Services.GetRequiredService<MailSettings>().Warnings())
            {
                log.LogWarning("{Warning}", warning);
            }
        }

        try
        {
            using (app.Services.GetRequiredService<HostStartLog>().Starting())
            {
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or System.Security.Cryptography.CryptographicException or InvalidOperationException or UnauthorizedAccessException)
        {
            throw new Cli.CommandException($"cannot listen on {urls}: {e.Message.Split('\n')[0].Trim()}", e);
        }
    }

    /// <summary>
    /// Registers (or updates) the recurring job <c>nightly-audit</c> from Audit:Cron and Audit:TimeZone.
    /// </summary>
    /// <exception cref="ConfigurationProblemException">The cron expression is not one.</exception>
    public static void RegisterNightlyAudit(IServiceProvider services)
    {
        var settings = services.GetRequiredService<AuditSettings>();
        var manager = services.GetRequiredService<IRecurringJobManager>();
        try
        {
            manager.AddOrUpdate<AuditJobs>(
                AuditSettings.RecurringJobId, AuditQueues.Control, j => j.StartAsync(null!, CancellationToken.None), settings.Cron,
                new RecurringJobOptions { TimeZone = settings.FindTimeZone(), MisfireHandling = MisfireHandlingMode.Relaxed });
        }
        catch (ArgumentException e)
        {
            // Hangfire's text ("... Please see the inner exception for details. (Parameter 'cronExpression')") is not for people.
            throw new ConfigurationProblemException(AuditSettings.CronProblem(settings.Cron), e);
        }
    }

    /// <summary>On the embedded storage (one process): queues again what unfinished runs need, since their jobs died with the last process.</summary>
    public static async Task<IReadOnlyList<string>> ResumeAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        JobServices.IsEmbedded(services.GetRequiredService<JobStorage>())
            ? await services.GetRequiredService<AuditWorkflow>().ResumeAsync(cancellationToken).ConfigureAwait(false)
            : [];
}
