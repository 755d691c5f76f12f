using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

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
            throw new ConfigurationProblemException(SettingsFileProblem(e), e);
        }

        if (LoggingSettings.Problems(builder.Configuration) is { Count: > 0 } logging)
        {
            throw new ConfigurationProblemException(logging);
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

        builder.Services.AddEsfleetCore(time).AddAuditStore();
    }

    /// <summary>
    /// "Failed to load configuration from file '...'", with where the JSON breaks (issue 18, item 17): the JSON reader's
    /// error is two exceptions down, below a "Could not parse the JSON file." that does not say where, and counts lines
    /// and positions from 0; an editor counts them from 1.
    /// </summary>
    private static string SettingsFileProblem(InvalidDataException e)
    {
        var json = e.InnerException?.InnerException as JsonException;
        if (json?.LineNumber is not { } line || json.BytePositionInLine is not { } position)
        {
            return $"{e.Message} {e.InnerException?.Message}".Trim();
        }

        var reason = json.Message;
        var end = reason.IndexOf(" LineNumber:", StringComparison.Ordinal) is var at and >= 0 ? at : reason.Length;
        end = reason.IndexOf(" Path:", StringComparison.Ordinal) is var path and >= 0 && path < end ? path : end;
        return string.Create(CultureInfo.InvariantCulture, $"{e.Message.TrimEnd('.')}: not valid JSON at line {line + 1}, position {position + 1}: {reason[..end].Trim().TrimEnd('.', '|').Trim()}");
    }

    /// <summary>
    /// Validates every settings section at start, whatever the command uses: a bad setting is found the first time, not in
    /// the night it matters, and every problem of every section is listed at once.
    /// </summary>
    /// <exception cref="ConfigurationProblemException">The problems found.</exception>
    public static void Validate(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var problems = new List<string>();
        foreach (var check in services.GetServices<SettingsCheck>())
        {
            try
            {
                _ = check.Resolve(services);
            }
            catch (OptionsValidationException e)
            {
                problems.AddRange(e.Failures);
            }
            catch (InvalidOperationException e)
            {
                // The binder says "Failed to convert configuration value '5s' at 'Probe:ReplyTimeoutSeconds' to type ...".
                problems.Add(e.Message);
            }
        }

        if (problems.Count > 0)
        {
            throw new ConfigurationProblemException([.. problems.Distinct(StringComparer.Ordinal)]);
        }
    }
}
