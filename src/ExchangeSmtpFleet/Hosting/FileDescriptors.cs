using System.Runtime.InteropServices;

namespace ExchangeSmtpFleet.Hosting;

/// <summary>
/// The file-descriptor budget of a probing process on Linux: every open probe holds a socket, and a soft limit of 1024
/// (a common default) is below what <c>--concurrency 1024</c> needs. Raises the soft limit to the hard limit, and says how
/// many sockets the process may hold at once.
/// </summary>
internal static partial class FileDescriptors
{
    /// <summary>Descriptors kept free for the runtime, logs, the JSON file, name resolution and TLS.</summary>
    public const int Reserve = 64;

    private const int RlimitNofile = 7; // Linux <sys/resource.h>

    /// <summary>Raises the soft limit to the hard limit where the platform allows it.</summary>
    /// <returns>The soft limit now in force, or null where there is no such limit to read (not Linux).</returns>
    public static long? RaiseSoftLimit()
    {
        if (!OperatingSystem.IsLinux() || GetLimit(RlimitNofile, out var limit) != 0)
        {
            return null;
        }

        if (limit.Current < limit.Maximum)
        {
            var raised = limit with { Current = limit.Maximum };
            if (SetLimit(RlimitNofile, in raised) == 0)
            {
                limit = raised;
            }
        }

        return (long)Math.Min(limit.Current, long.MaxValue);
    }

    /// <summary>Descriptors this process has open now.</summary>
    public static int OpenNow() => OperatingSystem.IsLinux() && Directory.Exists("/proc/self/fd") ? Directory.GetFiles("/proc/self/fd").Length : 0;

    /// <summary>
    /// The most probes that fit in <paramref name="softLimit"/>: what is open now and <see cref="Reserve"/> stay free;
    /// each probe needs <paramref name="perProbe"/> descriptors (two when the simulated fleet runs in this process).
    /// </summary>
    public static int ProbeBudget(long softLimit, int openNow, int perProbe) =>
        (int)Math.Clamp((softLimit - openNow - Reserve) / Math.Max(1, perProbe), 1, int.MaxValue);

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetLimit(int resource, out ResourceLimit limit);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetLimit(int resource, in ResourceLimit limit);

    [StructLayout(LayoutKind.Sequential)]
    private record struct ResourceLimit(ulong Current, ulong Maximum);
}
