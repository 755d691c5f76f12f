using System.Globalization;
using ExchangeSmtpFleet.Simulator;
using ExchangeSmtpFleet.Tests.Cli;
using Npgsql;

namespace ExchangeSmtpFleet.Tests.Jobs;

/// <summary>
/// The network namespace harness of the scale-out tests: processes in two namespaces reach PostgreSQL (the cluster of
/// <c>ESF_TEST_POSTGRES</c>) and a simulated SMTP host; cutting one namespace's database link stops only its database
/// connections, not the other's and not its own path to the fleet; nothing is left behind. Needs root and iproute2
/// (skipped otherwise); the PostgreSQL test also needs <c>ESF_TEST_POSTGRES</c> and psql.
/// </summary>
[Trait("Category", "ScaleOut")]
public sealed class NetworkNamespacesTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TwoNamespaces_ReachPostgresAndTheFleet_ACutDatabaseLinkStopsOnlyThatNamespacesDatabase_AndDisposeLeavesNothing()
    {
        await NetworkNamespaces.SkipUnlessAvailableAsync();
        var server = Environment.GetEnvironmentVariable("ESF_TEST_POSTGRES");
        NetworkNamespaces.SkipUnless(string.IsNullOrWhiteSpace(server) ? "no PostgreSQL: set ESF_TEST_POSTGRES (bash .ci/postgres.sh start; eval \"$(bash .ci/postgres.sh env)\")" : null);
        NetworkNamespaces.SkipUnless(File.Exists("/usr/bin/psql") ? null : "psql is not installed (Debian: postgresql-client)");

        var spaces = await NetworkNamespaces.CreateAsync(2);
        var (first, second) = (spaces.Namespaces[0], spaces.Namespaces[1]);
        IReadOnlyList<string> remains;
        try
        {
            var smtp = spaces.FleetAddress(1);
            await using var fleet = await SmtpSimulator.StartAsync(new FleetDefinition
            {
                Hosts = [new SimulatedHostDefinition { Address = smtp.ToString(), Port = 2525, TranscriptText = await File.ReadAllTextAsync(CliRunner.Sample("transcripts", "ex2003-healthy-real.txt"), Cancel) }],
            }, TimeProvider.System);

            Assert.Equal(first.Address.ToString(), (await ClientAddressAsync(first, server!)).Output.Trim());
            Assert.Equal(second.Address.ToString(), (await ClientAddressAsync(second, server!)).Output.Trim());
            Assert.StartsWith("220 ", (await GreetingAsync(first, smtp.ToString())).Output, StringComparison.Ordinal);

            await first.CutDatabaseAsync();
            var cut = await ClientAddressAsync(first, server!);
            var other = await ClientAddressAsync(second, server!);
            var fleetWhileCut = await GreetingAsync(first, smtp.ToString());
            await first.RestoreDatabaseAsync();
            var restored = await ClientAddressAsync(first, server!);

            Assert.True(cut.ExitCode != 0, $"psql reached the database over a cut link: {cut.Log}");
            Assert.Equal(second.Address.ToString(), other.Output.Trim());
            Assert.StartsWith("220 ", fleetWhileCut.Output, StringComparison.Ordinal);
            Assert.Equal(first.Address.ToString(), restored.Output.Trim());
            Assert.True(fleet.Statistics.Sessions >= 2, "the simulator saw no sessions");
        }
        finally
        {
            await spaces.DisposeAsync();
            remains = await spaces.RemainsAsync();
        }

        Assert.Empty(remains);
    }

    [Fact]
    public async Task Start_RunsTheProcessInItsNamespace_AndKillEndsItWithSigkill()
    {
        await NetworkNamespaces.SkipUnlessAvailableAsync();
        await using var spaces = await NetworkNamespaces.CreateAsync(1);
        var space = spaces.Namespaces[0];

        var addresses = await space.RunAsync("ip", ["-o", "-4", "addr", "show"], Patience, cancellationToken: Cancel);
        var sleeper = space.Start("sleep", ["600"]);
        var (inside, here) = (File.ResolveLinkTarget($"/proc/{sleeper.Id}/ns/net", false)?.FullName, File.ResolveLinkTarget("/proc/self/ns/net", false)?.FullName);
        sleeper.Kill();
        await sleeper.WaitForExitAsync(Cancel).WaitAsync(Patience, Cancel);

        Assert.Equal(0, addresses.ExitCode);
        Assert.Contains($"inet {space.Address}/30", addresses.Output, StringComparison.Ordinal);
        Assert.Contains($"inet {space.FleetSideAddress}/30", addresses.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("eth0", addresses.Output, StringComparison.Ordinal);
        Assert.NotEqual(here, inside);
        Assert.Equal(137, sleeper.ExitCode);
    }

    [Fact]
    public async Task Create_AfterATestProcessDied_RemovesTheNamespacesAndLinksItLeft()
    {
        await NetworkNamespaces.SkipUnlessAvailableAsync();
        // A process id above Linux's largest (2^22) never runs: what it "left" is stale. A namespace of it with a link, as a
        // set that was being made when its test process died.
        var dead = (4_194_305 + Random.Shared.Next(1_000_000)).ToString(CultureInfo.InvariantCulture);
        var name = $"esf-{dead}-0-0";
        var link = $"ef0d{Random.Shared.Next(1_000_000)}";
        await IpCommand.RunAsync("netns", "add", name);
        await IpCommand.RunAsync("link", "add", link, "type", "veth", "peer", "name", "db", "netns", name);

        await using (await NetworkNamespaces.CreateAsync(1))
        {
            var namespaces = await IpCommand.RunAsync("netns", "list");
            var links = await IpCommand.RunAsync("-o", "link", "show");

            Assert.DoesNotContain(name, namespaces, StringComparison.Ordinal);
            Assert.DoesNotContain($" {link}@", links, StringComparison.Ordinal);
        }
    }

    /// <summary>psql in <paramref name="space"/>: the client address the server sees (3 s to connect).</summary>
    private static Task<NamespacedProcess> ClientAddressAsync(NetworkNamespace space, string server)
    {
        var database = new NpgsqlConnectionStringBuilder(NetworkNamespace.DatabaseConnectionString(server));
        return space.RunAsync("psql", ["-X", "-A", "-t", "-c", "SELECT host(inet_client_addr())"], Patience, new Dictionary<string, string?>
        {
            ["PGHOST"] = database.Host,
            ["PGPORT"] = database.Port.ToString(CultureInfo.InvariantCulture),
            ["PGUSER"] = database.Username,
            ["PGPASSWORD"] = database.Password,
            ["PGDATABASE"] = database.Database,
            ["PGCONNECT_TIMEOUT"] = "3",
        }, Cancel);
    }

    /// <summary>bash in <paramref name="space"/>: the first line the SMTP host at <paramref name="address"/>:2525 sends.</summary>
    private static Task<NamespacedProcess> GreetingAsync(NetworkNamespace space, string address) =>
        space.RunAsync("timeout", ["5", "bash", "-c", $"exec 3<>/dev/tcp/{address}/2525 && head -n 1 <&3"], Patience, cancellationToken: Cancel);
}
