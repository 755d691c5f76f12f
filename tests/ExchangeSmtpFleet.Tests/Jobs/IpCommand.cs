using System.Diagnostics;

namespace ExchangeSmtpFleet.Tests.Jobs;

/// <summary>Runs iproute2's <c>ip</c> (as root: it changes the machine's network).</summary>
internal static class IpCommand
{
    /// <summary>Runs <c>ip ARGS</c> and returns its standard output; a non-zero exit is an exception with its error text.</summary>
    public static async Task<string> RunAsync(params string[] arguments)
    {
        var (exitCode, output, error) = await TryRunAsync(arguments);
        return exitCode == 0 ? output : throw new InvalidOperationException($"ip {string.Join(' ', arguments)}: exit code {exitCode}: {error.Trim()}");
    }

    /// <summary>Runs <c>ip ARGS</c>: exit code, standard output and error.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> TryRunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output, await error);
    }
}
