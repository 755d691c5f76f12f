using System.Globalization;
using System.Text.Json;
using ExchangeSmtpFleet.Hosting;
using ExchangeSmtpFleet.Tests.Cli;
using Microsoft.Extensions.DependencyInjection;

namespace ExchangeSmtpFleet.Tests.Hosting;

/// <summary>Configuration in the .NET order: appsettings.json, then ESF_ environment variables, then the command line.</summary>
public sealed class ConfigurationTests
{
    private static async Task<(Simulator.SmtpSimulator Simulator, string Inventory)> OneHealthyHostAsync()
    {
        var simulator = await SimulatedHosts.StartAsync(("ex2003-healthy-real.txt", "none"));
        var endpoint = simulator.Endpoints[0].EndPoint;
        return (simulator, CliRunner.TempFile(string.Create(CultureInfo.InvariantCulture, $"Host,Port\n{endpoint.Address},{endpoint.Port}\n")));
    }

    [Fact]
    public async Task SettingsFile_ValueIsUsed_AndTheCommandLineWinsOverIt()
    {
        var (simulator, inventory) = await OneHealthyHostAsync();
        await using var running = simulator;
        var settings = CliRunner.TempFile("""{ "Scan": { "Concurrency": 7 }, "Probe": { "StartTls": false } }""", ".json");

        var fromFile = await CliRunner.RunWithSettingsAsync(settings, "scan", "--inventory", inventory, "--no-store");
        var fromOption = await CliRunner.RunWithSettingsAsync(settings, "scan", "--inventory", inventory, "--concurrency", "3", "--no-store");

        Assert.Equal(0, fromFile.ExitCode);
        Assert.Contains("concurrency 7)", fromFile.Output, StringComparison.Ordinal);
        Assert.Contains("concurrency 3)", fromOption.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnvironmentVariable_WithPrefixAndNesting_ConfiguresAFreshProcess()
    {
        var (simulator, inventory) = await OneHealthyHostAsync();
        await using var running = simulator;
        var run = await CliRunner.RunInChildAsync($"$ESFLEET scan --inventory '{inventory}' --no-tls --no-store",
            new Dictionary<string, string> { ["ESF_Scan__Concurrency"] = "5" });

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("concurrency 5)", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "Probe": { "ReplyTimeoutSeconds": "abc" } }""", "'Probe:ReplyTimeoutSeconds'")]
    [InlineData("""{ "Probe": { "ReplyTimeoutSeconds": 0 } }""", "Probe:ReplyTimeoutSeconds must be more than 0")]
    [InlineData("""{ "Probe": { "Retries": 9 } }""", "Probe:Retries must be 0-5, not 9")]
    [InlineData("""{ "Probe": { "EhloName": "two words" } }""", "Probe:EhloName must be a domain")]
    [InlineData("""{ "Scan": { "Concurrency": 0 } }""", "Scan:Concurrency must be 1-4096, not 0")]
    [InlineData("""{ "Database": { "Provider": "oracle" } }""", "Database:Provider must be one of sqlite, sqlserver, postgres, not 'oracle'")]
    [InlineData("""{ "Database": { "JobInvisibilitySeconds": 5 } }""", "Database:JobInvisibilitySeconds must be 10-3600, not 5")]
    [InlineData("""{ "Scan": { "Concurrency": """, "Failed to load configuration from file")]
    [InlineData("{\n  \"Scan\": {\n    \"Concurrency\": 7,,\n  }\n}\n", ": not valid JSON at line 3, position 22: ")]
    [InlineData("""{ "Logging": { "LogLevel": { "Default": "Verbose" } } }""", "Logging:LogLevel:Default must be a log level (Trace, Debug, Information, Warning, Error, Critical, None), not 'Verbose'")]
    [InlineData("""{ "Logging": { "Console": { "LogLevel": { "Hangfire": "Loud" } } } }""", "Logging:Console:LogLevel:Hangfire must be a log level")]
    [InlineData("""{ "Logging": { "Console": { "LogToStandardErrorThreshold": "Nope" } } }""", "Failed to convert configuration value 'Nope' at 'Logging:Console:LogToStandardErrorThreshold'")]
    [InlineData("""{ "Logging": { "Format": "xml" } }""", "Logging:Format must be text or json, not 'xml'")]
    public async Task SettingsFile_BadValue_IsOneLineAndExit2(string json, string expected)
    {
        var settings = CliRunner.TempFile(json, ".json");
        var inventory = CliRunner.TempFile("Host\n127.0.0.1\n");

        var run = await CliRunner.RunWithSettingsAsync(settings, "scan", "--inventory", inventory, "--no-store");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("esfleet: configuration: ", run.Error, StringComparison.Ordinal);
        Assert.Contains(expected, run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }

    /// <summary>Issue 18, item 7: a log level this build does not know is one line naming it on every command that reads settings, not an internal error.</summary>
    [Theory]
    [InlineData("runs")]
    [InlineData("classify")]
    [InlineData("inventory check")]
    [InlineData("db check")]
    [InlineData("serve")]
    [InlineData("demo")]
    public async Task EnvironmentVariable_UnknownLogLevel_IsOneLineNamingIt_OnEveryCommand(string command)
    {
        var file = CliRunner.TempFile("Host\n127.0.0.1\n");
        var arguments = command switch
        {
            "classify" or "inventory check" => $"{command} '{file}'",
            "serve" => "serve --urls http://127.0.0.1:0",
            _ => command,
        };

        var run = await CliRunner.RunInChildAsync($"$ESFLEET {arguments}", new Dictionary<string, string>
        {
            ["ESF_Logging__LogLevel__Default"] = "Verbose",
            ["ESF_DATA_DIR"] = Path.Combine(CliRunner.DataDirectory, $"log-level-{Guid.NewGuid():N}"),
        });

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(
            "esfleet: configuration: Logging:LogLevel:Default must be a log level (Trace, Debug, Information, Warning, Error, Critical, None), not 'Verbose'",
            Assert.Single(run.Error.TrimEnd('\n').Split('\n')));
    }

    /// <summary>Issue 17: every problem of every section at once, one line each, not one per start.</summary>
    [Fact]
    public async Task SettingsFile_SeveralBadValuesInSeveralSections_AreAllListedAtOnce()
    {
        var settings = CliRunner.TempFile("""
            { "Probe": { "Retries": 9, "ReplyTimeoutSeconds": 0 }, "Scan": { "Concurrency": 0 }, "Mail": { "Port": 0 }, "Audit": { "Workers": 0 } }
            """, ".json");
        var inventory = CliRunner.TempFile("Host\n127.0.0.1\n");

        var run = await CliRunner.RunWithSettingsAsync(settings, "scan", "--inventory", inventory, "--no-store");

        Assert.Equal(2, run.ExitCode);
        var lines = run.Error.Trim().Split('\n');
        Assert.All(lines, l => Assert.StartsWith("esfleet: configuration: ", l, StringComparison.Ordinal));
        Assert.Equal(
            ["Audit:Workers must be 1-64", "Mail:Port must be between 1 and 65535", "Probe:ReplyTimeoutSeconds must be more than 0 and at most 3600 seconds", "Probe:Retries must be 0-5", "Scan:Concurrency must be 1-4096"],
            lines.Select(l => l["esfleet: configuration: ".Length..]).Select(l => l[..l.IndexOf(", not", StringComparison.Ordinal)]).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("745")]
    public void HealthMaxRunAgeHours_OutOfRange_IsNamed(string value)
    {
        var problem = Assert.Throws<ConfigurationProblemException>(() =>
            EsfleetHost.Build(TimeProvider.System, new Dictionary<string, string?> { ["Health:MaxRunAgeHours"] = value }, "/nonexistent/appsettings.json"));

        Assert.Contains($"Health:MaxRunAgeHours must be 1-744 (hours), not {value}", problem.Problems);
    }

    [Fact]
    public void ExampleSettings_NameOnlyRealSettings_WithTheirDefaults()
    {
        var example = CliRunner.Sample("appsettings.example.json");
        using var host = EsfleetHost.Build(TimeProvider.System, new Dictionary<string, string?>(), example);

        var probe = host.Services.GetRequiredService<ProbeSettings>();
        var scan = host.Services.GetRequiredService<ScanSettings>();

        Assert.Equivalent(new ProbeSettings { EhloName = string.Empty }, probe);
        Assert.Equivalent(new ScanSettings(), scan);
        Assert.Equivalent(new DatabaseSettings { Path = string.Empty }, host.Services.GetRequiredService<DatabaseSettings>());
        using var document = JsonDocument.Parse(File.ReadAllText(example));
        AssertKnown(document.RootElement.GetProperty(ProbeSettings.Section), typeof(ProbeSettings));
        AssertKnown(document.RootElement.GetProperty(ScanSettings.Section), typeof(ScanSettings));
        AssertKnown(document.RootElement.GetProperty(DatabaseSettings.Section), typeof(DatabaseSettings));
        AssertKnown(document.RootElement.GetProperty(ReportSettings.Section), typeof(ReportSettings));
        Assert.Equivalent(new ReportSettings(), host.Services.GetRequiredService<ReportSettings>());
        AssertKnown(document.RootElement.GetProperty(MailSettings.Section), typeof(MailSettings));
        Assert.Equivalent(
            new MailSettings { Host = string.Empty, User = string.Empty, From = string.Empty, To = string.Empty, Subject = string.Empty, TrustedThumbprint = string.Empty },
            host.Services.GetRequiredService<MailSettings>());
        AssertKnown(document.RootElement.GetProperty(AuditSettings.Section), typeof(AuditSettings));
        Assert.Equivalent(new AuditSettings { Inventory = string.Empty, Concurrency = new ScanSettings().Concurrency }, host.Services.GetRequiredService<AuditSettings>());
        Assert.Equivalent(
            typeof(AuditSettings).GetProperties().Where(p => p.CanWrite).Select(p => p.Name).Order(),
            document.RootElement.GetProperty(AuditSettings.Section).EnumerateObject().Select(p => p.Name).Order());
        AssertKnown(document.RootElement.GetProperty(HealthSettings.Section), typeof(HealthSettings));
        Assert.Equivalent(new HealthSettings(), host.Services.GetRequiredService<HealthSettings>());
        Assert.Equal(DatabaseSettings.DefaultDataDirectory, document.RootElement.GetProperty(DatabaseSettings.DataDirectoryKey).GetString());
        Assert.Equivalent(
            typeof(ProbeSettings).GetProperties().Select(p => p.Name).Order(),
            document.RootElement.GetProperty(ProbeSettings.Section).EnumerateObject().Select(p => p.Name).Order());
    }

    [Fact]
    public void ServeSample_IsValid_WithTwoUsers_AndNoSecretInIt()
    {
        var sample = CliRunner.Sample("serve", "appsettings.json");
        using var host = EsfleetHost.Build(TimeProvider.System, new Dictionary<string, string?>(), sample);

        var users = host.Services.GetRequiredService<DashboardSettings>().Users;
        var audit = host.Services.GetRequiredService<AuditSettings>();

        Assert.Equal([DashboardSettings.Admin, DashboardSettings.Viewer], users.Select(u => u.Role));
        Assert.Equal("Europe/Berlin", audit.TimeZone);
        using var document = JsonDocument.Parse(File.ReadAllText(sample));
        Assert.DoesNotContain(Names(document.RootElement), n => n is "Password" or "ConnectionStrings" or "User");

        static IEnumerable<string> Names(JsonElement element) => element.ValueKind switch
        {
            JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Names(p.Value).Prepend(p.Name)),
            JsonValueKind.Array => element.EnumerateArray().SelectMany(Names),
            _ => [],
        };
    }

    [Fact]
    public void ProbeSettings_BuildProbeOptions_WithoutLookingUpTheMachineName()
    {
        var options = new ProbeSettings { ReplyTimeoutSeconds = 2 }.ToProbeOptions();

        Assert.Null(options.EhloName);
        Assert.Equal(TimeSpan.FromSeconds(2), options.QuitTimeout);
    }

    private static void AssertKnown(JsonElement section, Type settings)
    {
        foreach (var property in section.EnumerateObject())
        {
            Assert.True(settings.GetProperty(property.Name) is not null, $"{settings.Name} has no setting {property.Name}");
        }
    }
}
