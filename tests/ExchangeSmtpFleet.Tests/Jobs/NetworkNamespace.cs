using System.Globalization;
using System.Net;
using Npgsql;

namespace ExchangeSmtpFleet.Tests.Jobs;

/// <summary>
/// One network namespace of <see cref="NetworkNamespaces"/>: a machine of its own with two links to the host. The database
/// link (this side <see cref="Address"/>, host side <see cref="DatabaseGateway"/>, a /30) carries the database network
/// (<see cref="NetworkNamespaces.DatabaseAddress"/>, on the host's loopback) and nothing else; the fleet link carries the
/// set's fleet network (<see cref="NetworkNamespaces.FleetAddress"/>, also on the host's loopback). There is no default
/// route: nothing else can be reached from here; 127.0.0.1 is this namespace's own.
/// </summary>
internal sealed class NetworkNamespace
{
    private readonly List<NamespacedProcess> _processes = [];

    public NetworkNamespace(string name, int block, int index)
    {
        Name = name;
        Index = index;
        DatabaseLink = string.Create(CultureInfo.InvariantCulture, $"ef{block}d{index}");
        FleetLink = string.Create(CultureInfo.InvariantCulture, $"ef{block}f{index}");
        DatabaseGateway = IPAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"10.77.{block}.{4 * index + 1}"));
        Address = IPAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"10.77.{block}.{4 * index + 2}"));
        FleetGateway = IPAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"10.78.{block}.{4 * index + 1}"));
        FleetSideAddress = IPAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"10.78.{block}.{4 * index + 2}"));
    }

    /// <summary>The namespace's name (<c>ip netns exec NAME</c>).</summary>
    public string Name { get; }

    public int Index { get; }

    /// <summary>This namespace's address on its database link: the client address PostgreSQL sees.</summary>
    public IPAddress Address { get; }

    /// <summary>The host side of the database link, the gateway to the database network.</summary>
    public IPAddress DatabaseGateway { get; }

    /// <summary>The host side of the fleet link, the gateway to the fleet network.</summary>
    public IPAddress FleetGateway { get; }

    /// <summary>This namespace's address on its fleet link: the client address the simulated fleet sees.</summary>
    public IPAddress FleetSideAddress { get; }

    /// <summary>The host side of the database link (an interface of the host namespace).</summary>
    public string DatabaseLink { get; }

    /// <summary>The host side of the fleet link.</summary>
    public string FleetLink { get; }

    /// <summary>Whether the database link is cut now.</summary>
    public bool DatabaseCut { get; private set; }

    /// <summary>
    /// A connection string to the same server, port and database as <paramref name="connectionString"/> (one for the host,
    /// e.g. <c>ESF_TEST_POSTGRES</c>), for a process in a namespace: to <see cref="NetworkNamespaces.DatabaseAddress"/>.
    /// </summary>
    public static string DatabaseConnectionString(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Host = NetworkNamespaces.DatabaseAddress }.ConnectionString;

    /// <summary>Starts <paramref name="fileName"/> in this namespace; it is killed when the namespaces are disposed, if not before.</summary>
    public NamespacedProcess Start(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var process = NamespacedProcess.Start(Name, fileName, arguments, environment);
        lock (_processes)
        {
            _processes.Add(process);
        }

        return process;
    }

    /// <summary>Runs <paramref name="fileName"/> in this namespace to its end (killed after <paramref name="timeout"/>, then an exception).</summary>
    public async Task<NamespacedProcess> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout,
        IReadOnlyDictionary<string, string?>? environment = null, CancellationToken cancellationToken = default)
    {
        var process = Start(fileName, arguments, environment);
        try
        {
            await process.WaitForExitAsync(cancellationToken).WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException e)
        {
            process.Kill();
            throw new TimeoutException($"{fileName} in {Name} did not end within {timeout}: {process.Log}", e);
        }

        return process;
    }

    /// <summary>
    /// Cuts this namespace off from the database: the host side of its database link goes down. Packets either way are
    /// lost, open connections hang as over a dead network, new ones time out; the fleet link stays up, so the fleet is still
    /// reached.
    /// </summary>
    public async Task CutDatabaseAsync()
    {
        await IpCommand.RunAsync("link", "set", DatabaseLink, "down");
        DatabaseCut = true;
    }

    /// <summary>Brings the database link back (the host's route to this namespace comes back with it).</summary>
    public async Task RestoreDatabaseAsync()
    {
        await IpCommand.RunAsync("link", "set", DatabaseLink, "up");
        DatabaseCut = false;
    }

    /// <summary>Kills (SIGKILL) what still runs of the processes started here and waits for them.</summary>
    internal void KillProcesses()
    {
        NamespacedProcess[] processes;
        lock (_processes)
        {
            processes = [.. _processes];
            _processes.Clear();
        }

        foreach (var process in processes)
        {
            process.Dispose();
        }
    }

    /// <summary>
    /// Makes the namespace and its two links. Each link routes one range of the host's loopback (the database network, the
    /// set's fleet network) from the namespace to the host: a route in the namespace's local table, more specific than its
    /// own 127.0.0.0/8, and route_localnet on both ends so that the kernel lets 127.x addresses cross the link.
    /// </summary>
    internal async Task CreateAsync(string fleetNetwork)
    {
        await IpCommand.RunAsync("netns", "add", Name);
        await IpCommand.RunAsync("-n", Name, "link", "set", "lo", "up");
        var links = new[]
        {
            (HostSide: DatabaseLink, Here: "db", Gateway: DatabaseGateway, Address, Network: NetworkNamespaces.DatabaseNetwork),
            (HostSide: FleetLink, Here: "fleet", Gateway: FleetGateway, Address: FleetSideAddress, Network: fleetNetwork),
        };
        foreach (var link in links)
        {
            // The peer is made inside the namespace at once: no half-made pair is ever left in the host namespace.
            await IpCommand.RunAsync("link", "add", link.HostSide, "type", "veth", "peer", "name", link.Here, "netns", Name);
            await IpCommand.RunAsync("addr", "add", $"{link.Gateway}/30", "dev", link.HostSide);
            await File.WriteAllTextAsync($"/proc/sys/net/ipv4/conf/{link.HostSide}/route_localnet", "1");
            await IpCommand.RunAsync("link", "set", link.HostSide, "up");
            await IpCommand.RunAsync("-n", Name, "addr", "add", $"{link.Address}/30", "dev", link.Here);
            await IpCommand.RunAsync("netns", "exec", Name, "sh", "-c", $"echo 1 > /proc/sys/net/ipv4/conf/{link.Here}/route_localnet");
            await IpCommand.RunAsync("-n", Name, "link", "set", link.Here, "up");
            await IpCommand.RunAsync("-n", Name, "route", "add", link.Network, "via", link.Gateway.ToString(), "dev", link.Here, "table", "local");
        }
    }
}
