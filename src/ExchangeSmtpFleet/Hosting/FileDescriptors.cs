using System.Runtime.InteropServices;

namespace ExchangeSmtpFleet.Hosting;

/// <summary>
/// The file-descriptor budget of a probing process on Linux: every open probe holds a socket, and a soft limit of 1024
/// (a common default) is below what <c>--concurrency 1024</c> needs. Raises the soft limit to the hard limit, and says how
/// many sockets the process may hold at once: what the limit leaves once the descriptors actually open when the scan
/// starts are counted (the runtime holds two per loaded assembly, about 140 in all) and a small reserve is kept for the
/// few the scan still opens (issue 18, item 15: a fixed reserve of 64 on top of the count left one probe at a time under
/// a limit of 200).
/// </summary>
internal static partial class FileDescriptors
{
    /// <summary>
    /// Descriptors a scan opens after its budget is taken, besides one socket per probe and the assemblies of
    /// <see cref="ScanAssemblies"/>: the SQLite database with its WAL and shared-memory files (3), the socket engine's
    /// epoll descriptor and its wake-up pipe (2), and room for short-lived ones (8): certificate files read for a TLS
    /// chain, a name look-up's socket left waiting by a probe that gave up.
    /// </summary>
    public const int Reserve = 3 + 2 + 8;

    /// <summary>
    /// Assemblies a scan loads only once it runs (measured: a scan storing in SQLite, with STARTTLS hosts), loaded before
    /// the count so that their descriptors are in it rather than guessed.
    /// </summary>
    internal static readonly string[] ScanAssemblies =
    [
        "System.Net.Sockets", "System.Net.Security", "System.Formats.Asn1", "System.Threading.Channels", "System.Threading.ThreadPool",
        "System.Collections.NonGeneric", "System.ComponentModel.Primitives", "System.Data.Common", "netstandard",
        "Microsoft.Data.Sqlite", "SQLitePCLRaw.core", "SQLitePCLRaw.batteries_v2", "SQLitePCLRaw.provider.e_sqlite3",
    ];

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

    /// <summary>Descriptors open once the scan's assemblies are loaded: what the scan starts with.</summary>
    public static int OpenAtScanStart()
    {
        foreach (var name in ScanAssemblies)
        {
            try
            {
                _ = System.Reflection.Assembly.Load(name);
            }
            catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
            {
                // Not part of this build (another provider, a trimmed deployment): nothing to count.
            }
        }

        return OpenNow();
    }

    /// <summary>
    /// The most probes that fit in <paramref name="softLimit"/>, for a caller that counted <paramref name="openNow"/>: the
    /// count is taken again once the scan's assemblies are loaded (<see cref="OpenAtScanStart"/>), and the larger is used.
    /// </summary>
    public static int ProbeBudget(long softLimit, int openNow, int perProbe) => Budget(softLimit, Math.Max(openNow, OpenAtScanStart()), perProbe);

    /// <summary>
    /// The most probes that fit in <paramref name="softLimit"/> when <paramref name="openAtStart"/> descriptors are open as
    /// the scan starts and <see cref="Reserve"/> stay free; each probe needs <paramref name="perProbe"/> descriptors (two
    /// when the simulated fleet runs in this process). At least one: a shortage left over is back-pressure in the engine.
    /// </summary>
    public static int Budget(long softLimit, int openAtStart, int perProbe) =>
        (int)Math.Clamp((softLimit - openAtStart - Reserve) / Math.Max(1, perProbe), 1, int.MaxValue);

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetLimit(int resource, out ResourceLimit limit);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetLimit(int resource, in ResourceLimit limit);

    [StructLayout(LayoutKind.Sequential)]
    private record struct ResourceLimit(ulong Current, ulong Maximum);
}
