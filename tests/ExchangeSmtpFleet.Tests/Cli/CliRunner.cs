using ExchangeSmtpFleet.Cli;

namespace ExchangeSmtpFleet.Tests.Cli;

/// <summary>Runs <c>esfleet</c> in-process with captured output.</summary>
internal static class CliRunner
{
    /// <summary>The data folder of this test process.</summary>
    public static readonly string DataDirectory = Path.Combine(Path.GetTempPath(), $"esf-cli-tests-{Guid.NewGuid():N}");

    /// <summary>Settings for every in-process run: results are stored in a data folder of this test process, not in ./data.</summary>
    private static readonly Lazy<string> TestSettings = new(() => TempFile(
        System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["DATA_DIR"] = DataDirectory }), ".json"));

    public static Task<CliRun> RunAsync(params string[] args) => RunWithSettingsAsync(TestSettings.Value, args);

    /// <summary>Runs with <paramref name="settingsFile"/> in place of the appsettings.json beside the executable.</summary>
    public static async Task<CliRun> RunWithSettingsAsync(string? settingsFile, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await EsfleetCli.RunAsync(args, output, error, TimeProvider.System, settingsFile);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    public static string Sample(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "samples", .. parts]);

    public static string TempFile(string content, string extension = ".csv")
    {
        var path = Path.Combine(Path.GetTempPath(), $"esf-test-{Guid.NewGuid():N}{extension}");
        File.WriteAllText(path, content);
        return path;
    }
}

internal sealed record CliRun(int ExitCode, string Output, string Error);
