using System.Globalization;

namespace ExchangeSmtpFleet.Benchmarks;

/// <summary>CPU time of processes from /proc (Linux): what another process (a server, a child) has spent.</summary>
internal static class ProcessCpu
{
    /// <summary>Clock ticks per second of /proc's times (USER_HZ, 100 on Linux).</summary>
    private const double TicksPerSecond = 100;

    /// <summary>The user and system time of <paramref name="pid"/>, in seconds.</summary>
    public static double Of(int pid) => Fields(pid) is { } f ? (f.User + f.System) / TicksPerSecond : 0;

    /// <summary>
    /// The time of <paramref name="pid"/> and of all its children: its own, that of its children it has reaped (cutime,
    /// cstime: PostgreSQL's postmaster reaps every backend that ended), and that of the children alive now.
    /// </summary>
    public static double OfTree(int pid)
    {
        if (Fields(pid) is not { } root)
        {
            return 0;
        }

        var ticks = root.User + root.System + root.ChildrenUser + root.ChildrenSystem;
        var children = File.ReadAllText($"/proc/{pid}/task/{pid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        foreach (var child in children)
        {
            if (Fields(int.Parse(child, CultureInfo.InvariantCulture)) is { } f)
            {
                ticks += f.User + f.System;
            }
        }

        return ticks / TicksPerSecond;
    }

    /// <summary>Fields 14-17 of /proc/PID/stat (after the command name in parentheses), or null when the process is gone.</summary>
    private static (long User, long System, long ChildrenUser, long ChildrenSystem)? Fields(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long Field(int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture);
        return (Field(14), Field(15), Field(16), Field(17));
    }
}
