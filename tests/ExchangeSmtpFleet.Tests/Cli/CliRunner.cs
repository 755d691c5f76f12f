using ExchangeSmtpFleet.Cli;

namespace ExchangeSmtpFleet.Tests.Cli;

/// <summary>Runs <c>esfleet</c> in-process with captured output.</summary>
internal static class CliRunner
{
    /// <summary>The data folder of this test process.</summary>
    public static readonly string DataDirectory = Path.Combine(Path.GetTempPath(), $"esf-cli-tests-{Guid.NewGuid():N}");

    /// <summary>Settings for every in-process run: results are stored in a data folder of this test process, not in ./data.</summary>
    private static readonly Lazy<string> TestSettings = new(() => SettingsFile(new Dictionary<string, object> { ["DATA_DIR"] = DataDirectory }));

    public static Task<CliRun> RunAsync(params string[] args) => RunWithSettingsAsync(TestSettings.Value, args);

    /// <summary>Runs at the time <paramref name="time"/> tells (a fake clock: a run hours old without waiting hours).</summary>
    public static async Task<CliRun> RunAtAsync(TimeProvider time, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await EsfleetCli.RunAsync(args, output, error, time, TestSettings.Value);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    /// <summary>Runs with <paramref name="settingsFile"/> in place of the appsettings.json beside the executable.</summary>
    public static async Task<CliRun> RunWithSettingsAsync(string? settingsFile, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await EsfleetCli.RunAsync(args, output, error, TimeProvider.System, settingsFile);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    /// <summary>
    /// Runs a bash script in a fresh process (for what only a process of its own shows: environment variables, ulimit, a
    /// pipe that closes). <c>$ESFLEET</c> in the script is <c>dotnet path/to/esfleet.dll</c>.
    /// </summary>
    public static async Task<CliRun> RunInChildAsync(string script, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new System.Diagnostics.ProcessStartInfo("bash")
        {
            ArgumentList = { "-c", script },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["ESFLEET"] = $"dotnet {Path.Combine(AppContext.BaseDirectory, "esfleet.dll")}" },
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return new CliRun(process.ExitCode, output, await error);
    }

    public static string Sample(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "samples", .. parts]);

    /// <summary>An appsettings file with <paramref name="settings"/> (nested dictionaries for sections).</summary>
    public static string SettingsFile(IDictionary<string, object> settings) => TempFile(System.Text.Json.JsonSerializer.Serialize(settings), ".json");

    public static string TempFile(string content, string extension = ".csv")
    {
        var path = Path.Combine(Path.GetTempPath(), $"esf-test-{Guid.NewGuid():N}{extension}");
        File.WriteAllText(path, content);
        return path;
    }
}

internal sealed record CliRun(int ExitCode, string Output, string Error);
