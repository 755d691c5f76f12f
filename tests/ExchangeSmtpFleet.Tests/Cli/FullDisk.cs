namespace ExchangeSmtpFleet.Tests.Cli;

/// <summary>
/// A file system with no room left, for a child process (issue 18, item 18): a tmpfs of one page, mounted in a private
/// mount namespace (<c>unshare -m</c>, so nothing outside the child sees it) and filled to the last byte before the
/// command runs. Unlike <c>/dev/full</c>, whose answer to <c>pwrite</c> depends on the kernel (some virtualised ones
/// accept it), a full tmpfs refuses every write with ENOSPC.
/// </summary>
internal static class FullDisk
{
    private const string InnerScript =
        "mount -t tmpfs -o size=4k tmpfs \"$FULL_DISK\" && { cat /dev/zero > \"$FULL_DISK/filler\" 2>/dev/null; true; } && eval \"$FULL_DISK_COMMAND\"";

    private static readonly Lazy<string?> Problem = new(() =>
    {
        if (!OperatingSystem.IsLinux())
        {
            return "a private mount namespace needs Linux";
        }

        var run = RunAsync("echo full > \"$FULL_DISK/probe\"").GetAwaiter().GetResult();
        return run.Error.Contains("No space left on device", StringComparison.Ordinal)
            ? null
            : $"cannot mount a full tmpfs in a private mount namespace (needs root and unshare -m): exit {run.ExitCode}, {run.Error.Trim()}";
    });

    /// <summary>Why no full disk can be made on this machine, or null when it can.</summary>
    public static string? Unavailable => Problem.Value;

    /// <summary>
    /// Runs the bash <paramref name="command"/> in a child process that sees a full file system at <c>$FULL_DISK</c>
    /// (<c>$ESFLEET</c> as in <see cref="CliRunner.RunInChildAsync"/>).
    /// </summary>
    public static Task<CliRun> RunAsync(string command)
    {
        var mountPoint = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"esf-full-disk-{Guid.NewGuid():N}")).FullName;
        return CliRunner.RunInChildAsync("exec unshare -m bash -c \"$FULL_DISK_SCRIPT\"", new Dictionary<string, string>
        {
            ["FULL_DISK"] = mountPoint,
            ["FULL_DISK_SCRIPT"] = InnerScript,
            ["FULL_DISK_COMMAND"] = command,
        });
    }
}
