using System.Diagnostics;
using System.Text;

namespace ExchangeSmtpFleet.Tests.Jobs;

/// <summary>A real <c>esfleet serve</c> process (from this test's output folder), its standard output and error collected.</summary>
/// <param name="Process">The process (unshare's, when it runs in a PID namespace).</param>
/// <param name="Log">What it wrote.</param>
/// <param name="InNamespace">Whether it runs as PID 1 of its own PID namespace.</param>
internal sealed record ServeProcess(Process Process, StringBuilder Log, bool InNamespace)
{
    /// <summary>Starts <c>esfleet serve --urls http://127.0.0.1:0</c> with <paramref name="extra"/> options.</summary>
    public static ServeProcess Start(IReadOnlyDictionary<string, string> environment, NotifySocket? notify, params string[] extra) =>
        Run(environment, notify, ["serve", "--urls", "http://127.0.0.1:0", .. extra]);

    /// <summary>Starts esfleet with <paramref name="arguments"/>.</summary>
    public static ServeProcess Run(IReadOnlyDictionary<string, string> environment, NotifySocket? notify, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(notify is null ? "dotnet" : "unshare")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (notify is not null)
        {
            foreach (var argument in new[] { "--pid", "--fork", "--mount-proc", "dotnet" })
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment["NOTIFY_SOCKET"] = notify.Path;
        }

        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "esfleet.dll"));

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var log = new StringBuilder();
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ServeProcess(process, log, notify is not null);
    }

    private static void Append(StringBuilder log, string? line)
    {
        if (line is not null)
        {
            lock (log)
            {
                log.AppendLine(line);
            }
        }
    }


    /// <summary>The esfleet process: the started one, or the child unshare forked (PID 1 inside its namespace).</summary>
    public int ServePid() => InNamespace
        ? int.Parse(File.ReadAllText($"/proc/{Process.Id}/task/{Process.Id}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], System.Globalization.CultureInfo.InvariantCulture)
        : Process.Id;

    public void Stop()
    {
        if (!Process.HasExited)
        {
            Process.Kill();
            Process.WaitForExit(10_000);
        }

        Process.Dispose();
    }
}
