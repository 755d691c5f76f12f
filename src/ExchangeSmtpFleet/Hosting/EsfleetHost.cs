using ExchangeSmtpFleet.Cli;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Inventory;
using ExchangeSmtpFleet.Core.Knowledge;
using ExchangeSmtpFleet.Core.Probing;
using ExchangeSmtpFleet.Core.Profiles;
using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Infrastructure.Inventory;
using ExchangeSmtpFleet.Infrastructure.Mail;
using ExchangeSmtpFleet.Infrastructure.Persistence;
using ExchangeSmtpFleet.Smtp.Fleet;
using ExchangeSmtpFleet.Smtp.Probing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace ExchangeSmtpFleet.Hosting;

/// <summary>
/// The composition root: the one place that knows which implementation serves which contract. Configuration in the
/// .NET order, later wins: <c>appsettings.json</c> beside the executable, environment variables with the <c>ESF_</c>
/// prefix (<c>__</c> for nesting: <c>ESF_Probe__ReplyTimeoutSeconds=5</c>), then the command line's options.
/// </summary>
/// <remarks>
/// Built without the Generic Host's defaults (no content-root scan, no user secrets, no hosted services): a one-shot
/// command pays only for what it resolves. Logging goes to standard error, warnings and above unless
/// <c>Logging:LogLevel:Default</c> says otherwise, so it never mixes with results on standard output.
/// </remarks>
internal static class EsfleetHost
{
    /// <summary>The prefix of environment variables that configure esfleet.</summary>
    public const string EnvironmentPrefix = "ESF_";

    /// <summary>Builds the host for one command.</summary>
    /// <param name="time">The clock every service uses.</param>
    /// <param name="overrides">Settings from the command line (<c>Probe:ReplyTimeoutSeconds</c> = <c>5</c>), applied last.</param>
    /// <param name="settingsFile">The appsettings file; default <c>appsettings.json</c> beside the executable.</param>
    /// <param name="configure">More services (the jobs of <c>serve</c>, a test's), or null.</param>
    public static IHost Build(TimeProvider time, IReadOnlyDictionary<string, string?> overrides, string? settingsFile = null, Action<IServiceCollection>? configure = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            ApplicationName = "esfleet",
        });
        Configure(builder, time, overrides, settingsFile);
        configure?.Invoke(builder.Services);
        var host = builder.Build();
        try
        {
            Validate(host.Services);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>Configuration, logging and the services of every command, on any host builder (the web host of <c>serve</c> too).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="time">The clock every service uses.</param>
    /// <param name="overrides">Settings from the command line, applied last.</param>
    /// <param name="settingsFile">The appsettings file; default <c>appsettings.json</c> beside the executable.</param>
    public static void Configure(IHostApplicationBuilder builder, TimeProvider time, IReadOnlyDictionary<string, string?> overrides, string? settingsFile)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var file = settingsFile ?? Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        try
        {
            builder.Configuration
                .AddJsonFile(file, optional: true, reloadOnChange: false)
                .AddUserSecrets(typeof(EsfleetHost).Assembly, optional: true, reloadOnChange: false)
                .AddEnvironmentVariables(EnvironmentPrefix)
                .AddInMemoryCollection(overrides);
        }
        catch (InvalidDataException e)
        {
            // "Failed to load configuration from file '...'", with the JSON reader's line and position inside.
            throw new ConfigurationProblemException($"{e.Message} {e.InnerException?.Message}".Trim(), e);
        }

        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // Logging:Format json: one JSON object per line (for a log collector); otherwise one line of text per message.
        if (string.Equals(builder.Configuration["Logging:Format"], "json", StringComparison.OrdinalIgnoreCase))
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
            });
        }
        else
        {
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        }
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);

        var services = builder.Services;
        services.AddSingleton(time);
        services.AddSingleton(ProfileCatalog.BuiltIn);
        services.AddSingleton(KnowledgeBase.BuiltIn);
        services.AddSingleton<Classifier>();
        services.AddSingleton<IInventoryReader, CsvInventoryReader>();
        services.AddSingleton(sp => Settings<ProbeSettings>(sp, ProbeSettings.Section, s => s.Problems()));
        services.AddSingleton(sp => Settings<ScanSettings>(sp, ScanSettings.Section, s => s.Problems()));
        services.AddSingleton(sp => Settings<DatabaseSettings>(sp, DatabaseSettings.Section, s => s.Problems()));
        services.AddSingleton(sp => Settings<ReportSettings>(sp, ReportSettings.Section, s => s.Problems()));
        services.AddSingleton(sp => Settings<MailSettings>(sp, MailSettings.Section, s => s.Problems()));
        services.AddSingleton(sp => Settings<DashboardSettings>(sp, DashboardSettings.Section, s => s.Problems()));
        services.AddSingleton(sp => new RunMailer(
            sp.GetRequiredService<IAuditStore>(),
            sp.GetRequiredService<MailSettings>() is { Configured: true } mail ? mail.ToOptions() : null,
            time));
        services.AddSingleton<IAuditStore>(sp => Store(sp.GetRequiredService<DatabaseSettings>(), sp.GetRequiredService<IConfiguration>(), time));
        services.AddSingleton(sp => new SmtpProber(sp.GetRequiredService<ProbeSettings>().ToProbeOptions(), time));
        services.AddSingleton<IHostProber>(sp => sp.GetRequiredService<SmtpProber>());
        services.AddSingleton<IFleetProber, FleetProber>();
        services.AddSingleton(sp => new AuditService(
            sp.GetRequiredService<IInventoryReader>(),
            sp.GetRequiredService<IFleetProber>(),
            sp.GetRequiredService<IHostProber>(),
            sp.GetRequiredService<Classifier>(),
            time,
            EsfleetCli.Version));
    }

    /// <summary>
    /// Validates the settings at start, whatever the command uses: a bad setting is found the first time, not in the night it matters.
    /// </summary>
    /// <exception cref="ConfigurationProblemException">The first setting that is wrong.</exception>
    public static void Validate(IServiceProvider services)
    {
        _ = services.GetRequiredService<ProbeSettings>();
        _ = services.GetRequiredService<ScanSettings>();
        _ = services.GetRequiredService<DatabaseSettings>();
        _ = services.GetRequiredService<ReportSettings>();
        _ = services.GetRequiredService<MailSettings>();
        _ = services.GetRequiredService<DashboardSettings>();
    }

    /// <summary>Binds and validates the <c>Audit</c> section (the jobs of <c>serve</c> and <c>demo</c>).</summary>
    /// <param name="services">The services.</param>
    /// <param name="needInventory">Whether <c>Audit:Inventory</c> must name a file.</param>
    /// <exception cref="ConfigurationProblemException">The first setting that is wrong.</exception>
    public static AuditSettings AuditSettings(IServiceProvider services, bool needInventory) =>
        Settings<AuditSettings>(services, Hosting.AuditSettings.Section, s => s.Problems(
            needInventory, services.GetRequiredService<ProbeSettings>(), services.GetRequiredService<ScanSettings>().Concurrency));

    /// <summary>The store the settings name: SQLite in the data folder, or SQL Server with <c>ConnectionStrings:Fleet</c>.</summary>
    private static IAuditStore Store(DatabaseSettings settings, IConfiguration configuration, TimeProvider time)
    {
        if (!settings.IsSqlServer)
        {
            return new SqliteAuditStore(settings.DatabasePath(configuration[DatabaseSettings.DataDirectoryKey]), time);
        }

        var connectionString = configuration.GetConnectionString(DatabaseSettings.ConnectionStringName);
        return string.IsNullOrWhiteSpace(connectionString)
            ? throw new ConfigurationProblemException(
                $"{DatabaseSettings.Section}:{nameof(DatabaseSettings.Provider)} is sqlserver but ConnectionStrings:{DatabaseSettings.ConnectionStringName} is empty (set ESF_ConnectionStrings__Fleet or --db)")
            : new SqlServerAuditStore(connectionString, time);
    }

    /// <summary>Binds and validates one settings section.</summary>
    /// <exception cref="ConfigurationProblemException">A value cannot be read or is out of range; the message names it.</exception>
    private static T Settings<T>(IServiceProvider services, string section, Func<T, IEnumerable<string>> problems)
        where T : new()
    {
        var configuration = services.GetRequiredService<IConfiguration>();
        var settings = new T();
        try
        {
            configuration.GetSection(section).Bind(settings);
        }
        catch (InvalidOperationException e)
        {
            // The binder says "Failed to convert configuration value '5s' at 'Probe:ReplyTimeoutSeconds' to type ...".
            throw new ConfigurationProblemException(e.Message, e);
        }

        var first = problems(settings).FirstOrDefault();
        return first is null ? settings : throw new ConfigurationProblemException(first);
    }
}
