using System.Diagnostics;
using System.Text;

namespace ExchangeSmtpFleet.Tests.Jobs;

/// <summary>
/// A process started in a network namespace (<c>ip netns exec NAME program ...</c>, which enters the namespace and then
/// execs the program: the process id is the program's). Standard output and error are collected, each alone and both
/// together in the order they came.
/// </summary>
internal sealed class NamespacedProcess : IDisposable
{
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();
    private readonly StringBuilder _log = new();

    private NamespacedProcess(Process process) => Process = process;

    public Process Process { get; }

    public int Id => Process.Id;

    public bool HasExited => Process.HasExited;

    /// <summary>The exit code; 128 + the signal for a process a signal ended (137 after <see cref="Kill"/>).</summary>
    public int ExitCode => Process.ExitCode;

    public string Output => Read(_output);

    public string Error => Read(_error);

    /// <summary>Standard output and error as they came.</summary>
    public string Log => Read(_log);

    public static NamespacedProcess Start(string namespaceName, string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment)
    {
        var start = new ProcessStartInfo("ip")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["netns", "exec", namespaceName, fileName, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }

        var process = new NamespacedProcess(new Process { StartInfo = start });
        process.Process.OutputDataReceived += (_, e) => process.Append(process._output, e.Data);
        process.Process.ErrorDataReceived += (_, e) => process.Append(process._error, e.Data);
        process.Process.Start();
        process.Process.StandardInput.Close();
        process.Process.BeginOutputReadLine();
        process.Process.BeginErrorReadLine();
        return process;
    }

    /// <summary>SIGKILL: the process ends at once, without a chance to clean up (a crash, a power cut).</summary>
    public void Kill()
    {
        if (!Process.HasExited)
        {
            Process.Kill();
        }
    }

    /// <summary>SIGTERM (<c>kill -TERM</c>): the process stops as a service manager stops it.</summary>
    public void Terminate()
    {
        if (!Process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
        }
    }

    /// <summary>Waits for the exit and the end of its output.</summary>
    public Task WaitForExitAsync(CancellationToken cancellationToken) => Process.WaitForExitAsync(cancellationToken);

    public void Dispose()
    {
        try
        {
            Kill();
            Process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // never started
        }

        Process.Dispose();
    }

    private void Append(StringBuilder stream, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            stream.AppendLine(line);
            _log.AppendLine(line);
        }
    }

    private string Read(StringBuilder text)
    {
        lock (_log)
        {
            return text.ToString();
        }
    }
}
