using System.ComponentModel;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace ExchangeSmtpFleet.Tests.Jobs;

/// <summary>
/// Network namespaces for the scale-out tests (issue 22): each is a machine of its own for a <c>serve</c> or
/// <c>serve --worker</c> process, made by the test and torn down after it. Needs root and iproute2.
/// <para>
/// Addresses: a set takes a free block <c>B</c> (1-254) and gives namespace <c>k</c> (0-62) two veth links to the host,
/// /30 each: the database link 10.77.B.(4k+2) (namespace) - 10.77.B.(4k+1) (host) and the fleet link 10.78.B.(4k+2) -
/// 10.78.B.(4k+1). The services stay on the host's loopback, where they are anyway and where the simulator insists on
/// being (it binds loopback addresses only): the database network 127.77.0.0/24 (<see cref="DatabaseAddress"/>, which
/// the test cluster of <c>.ci/postgres.sh</c> listens on) is routed over the database link, the set's fleet network
/// 127.79.B.0/24 (<see cref="FleetAddress"/>: the simulated hosts, a mail relay) over the fleet link. So cutting a
/// namespace's database link leaves its path to the fleet alone, which is what the "worker cut off from the database"
/// fault needs; PostgreSQL sees the client address 10.77.B.(4k+2), which its pg_hba.conf admits
/// (<see cref="DatabaseLinks"/>).
/// </para>
/// <para>
/// Names carry the owner's process id and the block (namespaces <c>esf-PID-B-k</c>; host-side links <c>efBdk</c> and
/// <c>efBfk</c> live only as long as their namespace), so a set left behind by a test process that died is recognised and
/// removed by the next <see cref="CreateAsync"/>, under a machine-wide lock that also keeps two test processes from taking
/// the same block. A blackhole route for 10.76.0.0/14 stays on the host for good: no packet to these test addresses ever
/// takes the default route out of the machine, whatever a test leaves half-done.
/// </para>
/// </summary>
internal sealed partial class NetworkNamespaces : IAsyncDisposable
{
    /// <summary>Where a process in a namespace reaches PostgreSQL (the cluster of .ci/postgres.sh listens on it besides 127.0.0.1).</summary>
    public const string DatabaseAddress = "127.77.0.1";

    /// <summary>The loopback range each namespace reaches over its database link.</summary>
    public const string DatabaseNetwork = "127.77.0.0/24";

    /// <summary>The namespaces' addresses on their database links: what pg_hba.conf of the test cluster admits.</summary>
    public const string DatabaseLinks = "10.77.0.0/16";

    public const int MaxCount = 63;

    /// <summary>10.76.0.0 to 10.79.255.255: every link address this harness uses.</summary>
    private const string Reserved = "10.76.0.0/14";

    private static readonly string LockPath = Path.Combine(Path.GetTempPath(), "esf-netns.lock");
    private static readonly Lazy<Task<string?>> Unavailability = new(ProbeAsync);

    private NetworkNamespaces(int block, IReadOnlyList<NetworkNamespace> namespaces)
    {
        Block = block;
        Namespaces = namespaces;
    }

    /// <summary>The third octet of the set's link addresses and fleet network.</summary>
    public int Block { get; }

    public IReadOnlyList<NetworkNamespace> Namespaces { get; }

    /// <summary>The set's fleet network: loopback addresses of the host that every namespace reaches over its fleet link.</summary>
    public string FleetNetwork => string.Create(CultureInfo.InvariantCulture, $"127.79.{Block}.0/24");

    /// <summary>
    /// Address <paramref name="host"/> (1-254) of the fleet network, for the simulator or any other host-side service the
    /// namespaces need (a mail relay). More simulated hosts than addresses: several ports on each.
    /// </summary>
    public IPAddress FleetAddress(int host) => host is >= 1 and <= 254
        ? IPAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"127.79.{Block}.{host}"))
        : throw new ArgumentOutOfRangeException(nameof(host), host, "1-254");

    /// <summary>Why no namespaces can be made here (not Linux, not root, no iproute2, no namespaces or veth links), or null.</summary>
    public static Task<string?> UnavailableAsync() => Unavailability.Value;

    /// <summary>
    /// Skips the calling test, with the reason, when no namespaces can be made here; fails it instead under CI (<c>CI=true</c>,
    /// as .ci/run runs there), where these tests must run.
    /// </summary>
    public static async Task SkipUnlessAvailableAsync() => SkipUnless(await UnavailableAsync());

    /// <summary>Skips the calling test for <paramref name="reason"/> (when not null), or fails it under CI.</summary>
    public static void SkipUnless(string? reason)
    {
        if (reason is not null && string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail($"{reason} (CI=true: the scale-out tests must run in CI)");
        }

        Assert.SkipWhen(reason is not null, reason ?? "");
    }

    /// <summary>Makes <paramref name="count"/> namespaces with their links, after removing what dead test processes left.</summary>
    public static async Task<NetworkNamespaces> CreateAsync(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxCount);
        // Under the lock to the end: the namespaces' names claim the block.
        await using var held = await LockAsync();
        await RemoveStaleAsync();
        var block = await FreeBlockAsync();
        var set = new NetworkNamespaces(block, [.. Enumerable.Range(0, count).Select(k =>
            new NetworkNamespace(string.Create(CultureInfo.InvariantCulture, $"esf-{Environment.ProcessId}-{block}-{k}"), block, k))]);
        try
        {
            await IpCommand.RunAsync("route", "replace", "blackhole", Reserved);
            foreach (var space in set.Namespaces)
            {
                await space.CreateAsync(set.FleetNetwork);
            }
        }
        catch
        {
            await set.DisposeAsync();
            throw;
        }

        return set;
    }

    /// <summary>
    /// Kills the processes started in the namespaces, removes the links and the namespaces, and waits until the kernel has
    /// let go of them all (a namespace's teardown is asynchronous); what still remains after 10 s is an exception.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var space in Namespaces)
        {
            space.KillProcesses();
        }

        // Best effort each: after a failed CreateAsync some were never made. What remains is checked below. The links first:
        // deleting one removes both ends at once, where a deleted namespace lets go of its links some time later.
        foreach (var space in Namespaces)
        {
            await IpCommand.TryRunAsync("link", "del", space.DatabaseLink);
            await IpCommand.TryRunAsync("link", "del", space.FleetLink);
            await IpCommand.TryRunAsync("netns", "del", space.Name);
        }

        var remains = await RemainsAsync();
        for (var wait = 0; remains.Count > 0 && wait < 100; wait++)
        {
            await Task.Delay(100);
            remains = await RemainsAsync();
        }

        if (remains.Count > 0)
        {
            throw new InvalidOperationException($"network namespaces of block {Block} not removed: {string.Join(", ", remains)}");
        }
    }

    /// <summary>What of this set still exists on the machine: its namespaces and host-side links.</summary>
    public async Task<IReadOnlyList<string>> RemainsAsync()
    {
        var names = Namespaces.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        var links = Namespaces.SelectMany(n => new[] { n.DatabaseLink, n.FleetLink }).ToHashSet(StringComparer.Ordinal);
        return
        [
            .. (await NamespaceNamesAsync()).Where(names.Contains).Select(n => $"namespace {n}"),
            .. (await LinkNamesAsync()).Where(links.Contains).Select(l => $"link {l}"),
        ];
    }

    /// <summary>
    /// Removes what test processes that no longer run left behind: their namespaces, and host-side links of a block no
    /// running process's namespace has. Under the lock.
    /// </summary>
    private static async Task RemoveStaleAsync()
    {
        var liveBlocks = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in await NamespaceNamesAsync())
        {
            if (NamespaceName().Match(name) is not { Success: true } match)
            {
                continue;
            }

            if (!IsRunning(match.Groups["pid"].Value))
            {
                await IpCommand.TryRunAsync("netns", "del", name);
            }
            else if (match.Groups["block"].Success)
            {
                liveBlocks.Add(match.Groups["block"].Value);
            }
        }

        foreach (var link in await LinkNamesAsync())
        {
            if (HostSideLinkName().Match(link) is { Success: true } hostSide && !liveBlocks.Contains(hostSide.Groups["block"].Value))
            {
                await IpCommand.TryRunAsync("link", "del", link);
            }
        }
    }

    /// <summary>
    /// A block no namespace or host-side link uses (the links of a namespace being torn down count: the kernel may still
    /// hold them), searched from a random start so that a block just given back is seldom taken again at once.
    /// </summary>
    private static async Task<int> FreeBlockAsync()
    {
        var used = new HashSet<int>();
        foreach (var name in (await NamespaceNamesAsync()).Concat(await LinkNamesAsync()))
        {
            if (NamespaceName().Match(name) is { Success: true } space && space.Groups["block"].Success)
            {
                used.Add(int.Parse(space.Groups["block"].Value, CultureInfo.InvariantCulture));
            }
            else if (HostSideLinkName().Match(name) is { Success: true } hostSide)
            {
                used.Add(int.Parse(hostSide.Groups["block"].Value, CultureInfo.InvariantCulture));
            }
        }

        var start = Random.Shared.Next(254);
        for (var i = 0; i < 254; i++)
        {
            var block = (start + i) % 254 + 1;
            if (!used.Contains(block))
            {
                return block;
            }
        }

        throw new InvalidOperationException("no free block of test addresses: 254 sets of network namespaces exist");
    }

    private static bool IsRunning(string pid) => Directory.Exists($"/proc/{pid}");

    private static async Task<List<string>> NamespaceNamesAsync() =>
        [.. (await IpCommand.RunAsync("netns", "list")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0])];

    /// <summary>The interfaces of the host namespace (<c>ip -o link</c> says "12: ef7d0@if2: ...").</summary>
    private static async Task<List<string>> LinkNamesAsync() =>
        [.. (await IpCommand.RunAsync("-o", "link", "show")).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(':', 3)[1].Trim().Split('@')[0])];

    /// <summary>A machine-wide lock (flock through FileShare.None) around removing stale sets and making a set.</summary>
    private static async Task<FileStream> LockAsync()
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (attempt < 1200)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>Linux, root, iproute2, a namespace with a veth pair in it (made and removed at once).</summary>
    private static async Task<string?> ProbeAsync()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "network namespaces need Linux";
        }

        if (!Environment.IsPrivilegedProcess)
        {
            return "not root: making network namespaces and links needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN)";
        }

        var probe = string.Create(CultureInfo.InvariantCulture, $"esf-{Environment.ProcessId}-probe");
        try
        {
            var (exitCode, _, error) = await IpCommand.TryRunAsync("netns", "add", probe);
            if (exitCode != 0)
            {
                return $"ip netns add failed: {error.Trim()}";
            }

            try
            {
                (exitCode, _, error) = await IpCommand.TryRunAsync("-n", probe, "link", "add", "probe0", "type", "veth", "peer", "name", "probe1");
                return exitCode == 0 ? null : $"no veth links here: {error.Trim()}";
            }
            finally
            {
                await IpCommand.TryRunAsync("netns", "del", probe);
            }
        }
        catch (Win32Exception e)
        {
            return $"iproute2's ip cannot be run (Debian: apt-get install iproute2): {e.Message}";
        }
    }

    /// <summary>A namespace of this harness: <c>esf-PID-B-k</c>, or the probe's <c>esf-PID-probe</c>.</summary>
    [GeneratedRegex(@"^esf-(?<pid>\d+)-(?:(?<block>\d+)-\d+$)?")]
    private static partial Regex NamespaceName();

    [GeneratedRegex(@"^ef(?<block>\d+)[df]\d+$")]
    private static partial Regex HostSideLinkName();
}
