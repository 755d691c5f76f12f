using ExchangeSmtpFleet.Cli;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Inventory;
using ExchangeSmtpFleet.Core.Knowledge;
using ExchangeSmtpFleet.Core.Probing;
using ExchangeSmtpFleet.Core.Profiles;
using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Infrastructure.Inventory;
using ExchangeSmtpFleet.Infrastructure.Persistence;
using ExchangeSmtpFleet.Infrastructure.Publishing;
using ExchangeSmtpFleet.Smtp.Fleet;
using ExchangeSmtpFleet.Smtp.Probing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ExchangeSmtpFleet.Hosting;

/// <summary>The registrations of every command, by area: settings, the audit (core) and the store.</summary>
internal static class EsfleetServices
{
    /// <summary>
    /// A settings section bound from configuration and validated by its own rules; the section's value is also registered
    /// by itself for the services that read it, and checked at start (<see cref="EsfleetHost.Validate"/>).
    /// </summary>
    public static OptionsBuilder<T> AddSettings<T>(this IServiceCollection services, string section)
        where T : class, ISettings
    {
        services.AddSingleton<IValidateOptions<T>, SettingsValidator<T>>();
        return services.AddCheckedOptions<T>(section);
    }

    /// <summary>The audit: settings, probing, judging, the workflow and its publisher (SPEC 1-5, 8).</summary>
    /// <param name="services">The services.</param>
    /// <param name="time">The clock every service uses.</param>
    public static IServiceCollection AddEsfleetCore(this IServiceCollection services, TimeProvider time)
    {
        services.AddSingleton(time);
        services.AddSingleton(ProfileCatalog.BuiltIn);
        services.AddSingleton(KnowledgeBase.BuiltIn);
        services.AddSingleton<Classifier>();
        services.AddSingleton<IInventoryReader, CsvInventoryReader>();

        services.AddSettings<ProbeSettings>(ProbeSettings.Section);
        services.AddSettings<ScanSettings>(ScanSettings.Section);
        services.AddSettings<DatabaseSettings>(DatabaseSettings.Section);
        services.AddSettings<ReportSettings>(ReportSettings.Section);
        services.AddSettings<MailSettings>(MailSettings.Section);
        services.AddSettings<DashboardSettings>(DashboardSettings.Section);
        services.AddSettings<HealthSettings>(HealthSettings.Section);

        // The effective concurrency of a batch is resolved here, once: Audit:Concurrency, else Scan:Concurrency.
        services.AddSingleton<IValidateOptions<AuditSettings>, AuditSettingsValidator>();
        services.AddCheckedOptions<AuditSettings>(AuditSettings.Section)
            .PostConfigure<IOptions<ScanSettings>>((audit, scan) => audit.Concurrency ??= ValidOrNull(scan)?.Concurrency);

        services.AddSingleton(sp => new SmtpProber(sp.GetRequiredService<ProbeSettings>().ToProbeOptions(), time));
        services.AddSingleton<IHostProber>(sp => sp.GetRequiredService<SmtpProber>());
        services.AddSingleton<IFleetProber>(sp => new FleetProber(sp.GetRequiredService<IHostProber>(), time));
        services.AddSingleton<IReportPublisher>(sp => new RunPublisher(
            sp.GetRequiredService<IAuditHistory>(),
            sp.GetRequiredService<MailSettings>() is { Configured: true } mail ? mail.ToOptions(sp.GetRequiredService<DashboardSettings>().PublicUri) : null,
            DatabaseSettings.ReportsDirectory(sp.GetRequiredService<IConfiguration>()),
            LanguageCodes.TryParse(sp.GetRequiredService<ReportSettings>().Language, out var language) ? language : Language.English,
            time));
        services.AddSingleton(sp =>
        {
            var audit = sp.GetRequiredService<AuditSettings>();
            return new AuditWorkflowOptions
            {
                ToolVersion = EsfleetCli.Version,
                StaleAfter = TimeSpan.FromHours(audit.StaleAfterHours),
                BatchConcurrency = audit.EffectiveConcurrency,
                MailAfterReport = audit.Email,
            };
        });
        services.AddSingleton(sp => new AuditWorkflow(
            sp.GetRequiredService<IInventoryReader>(),
            sp.GetRequiredService<IFleetProber>(),
            sp.GetRequiredService<IHostProber>(),
            sp.GetRequiredService<Classifier>(),
            sp.GetRequiredService<IRunWriter>(),
            sp.GetRequiredService<IAuditHistory>(),
            sp.GetRequiredService<IJobLedger>(),
            sp.GetRequiredService<IReportPublisher>(),
            time,
            sp.GetRequiredService<AuditWorkflowOptions>(),
            sp.GetService<IAuditJobQueue>()));
        return services;
    }

    /// <summary>
    /// The store the settings name (SPEC 6), one registration per role: SQLite in the data folder, or SQL Server or
    /// PostgreSQL with <c>ConnectionStrings:Fleet</c>. Nothing is opened until a role is used.
    /// </summary>
    public static IServiceCollection AddAuditStore(this IServiceCollection services)
    {
        services.AddSingleton(sp => CreateStorage(sp.GetRequiredService<DatabaseSettings>(), sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => sp.GetRequiredService<AuditStorage>().Writer);
        services.AddSingleton(sp => sp.GetRequiredService<AuditStorage>().History);
        services.AddSingleton(sp => sp.GetRequiredService<AuditStorage>().Ledger);
        services.AddSingleton(sp => sp.GetRequiredService<AuditStorage>().Maintenance);
        return services;
    }

    /// <summary>A section's value, or null while it has problems of its own (they are listed by that section).</summary>
    public static T? ValidOrNull<T>(IOptions<T> options)
        where T : class
    {
        try
        {
            return options.Value;
        }
        catch (OptionsValidationException)
        {
            return null;
        }
    }

    private static OptionsBuilder<T> AddCheckedOptions<T>(this IServiceCollection services, string section)
        where T : class
    {
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<T>>().Value);
        services.AddSingleton(new SettingsCheck(sp => sp.GetRequiredService<IOptions<T>>().Value));
        return services.AddOptions<T>().BindConfiguration(section);
    }

    private static AuditStorage CreateStorage(DatabaseSettings settings, IConfiguration configuration, TimeProvider time)
    {
        if (!settings.IsShared)
        {
            return AuditStorage.Sqlite(settings.DatabasePath(configuration[DatabaseSettings.DataDirectoryKey]), time);
        }

        var connectionString = configuration.GetConnectionString(DatabaseSettings.ConnectionStringName);
        return string.IsNullOrWhiteSpace(connectionString)
            ? throw new ConfigurationProblemException(
                $"{DatabaseSettings.Section}:{nameof(DatabaseSettings.Provider)} is {settings.Provider.ToLowerInvariant()} but ConnectionStrings:{DatabaseSettings.ConnectionStringName} is empty (set ESF_ConnectionStrings__Fleet or --db)")
            : settings.IsPostgres ? AuditStorage.Postgres(connectionString, time) : AuditStorage.SqlServer(connectionString, time);
    }
}
