namespace ExchangeSmtpFleet.Simulator.Tests;

public sealed class FleetDefinitionTests
{
    private static string Write(string json)
    {
        var path = Path.Combine(Path.GetTempPath(), $"esf-fleet-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void Load_LabSample_HasEveryFault()
    {
        var fleet = FleetDefinition.Load(Path.Combine(AppContext.BaseDirectory, "samples", "lab-fleet.json"));

        var faults = fleet.Hosts.Select(h => h.Fault).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.Equal(SimulatedFaultNames.All.ToHashSet(StringComparer.OrdinalIgnoreCase), faults);
    }

    [Theory]
    [InlineData("""{"hosts":[{"address":"10.0.0.1","transcriptText":"250 x"}]}""", "loopback")]
    [InlineData("""{"hosts":[{"address":"127.0.0.1","fault":"explode","transcriptText":"250 x"}]}""", "unknown fault 'explode'")]
    [InlineData("""{"hosts":[{"address":"127.0.0.1"}]}""", "needs a transcript")]
    [InlineData("""{"hosts":[{"address":"127.0.0.1","port":70000,"transcriptText":"250 x"}]}""", "port")]
    [InlineData("""{"hosts":[{"address":"127.0.0.1","latencyMs":-5,"transcriptText":"250 x"}]}""", "negative")]
    [InlineData("""{"hosts":[{"address":"127.0.0.1","transcriptText":"250 x"},{"address":"127.0.0.1","transcriptText":"250 x"}]}""", "used twice")]
    [InlineData("""{"hosts":[]}""", "no hosts")]
    [InlineData("""{"hosts":[{"address":""", "not a valid fleet file")]
    public void Load_BadFleet_SaysWhatAndWhere(string json, string expected)
    {
        var error = Assert.Throws<FleetDefinitionException>(() => FleetDefinition.Load(Write(json)));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Load_MissingFile_SaysSo()
    {
        var error = Assert.Throws<FleetDefinitionException>(() => FleetDefinition.Load("/no/such/fleet.json"));

        Assert.Contains("cannot read", error.Message);
    }

    [Fact]
    public void Generate_GivesDistinctLoopbackAddresses()
    {
        var fleet = FleetDefinition.Generate(70_000, 100, 2525, "250 x");

        Assert.Equal(70_000, fleet.Hosts.Select(h => h.Address).Distinct().Count());
        fleet.Validate();
    }

    [Fact]
    public async Task Start_TranscriptWithoutEhloReply_FailsNamingTheHost()
    {
        var fleet = new FleetDefinition { Hosts = [new SimulatedHostDefinition { Address = "127.51.0.1", Port = 0, TranscriptText = "220 only a banner" }] };

        var error = await Assert.ThrowsAsync<FleetDefinitionException>(() => SmtpSimulator.StartAsync(fleet, TimeProvider.System));

        Assert.Contains("127.51.0.1", error.Message);
    }

    [Fact]
    public async Task Start_LabSampleOnFreePorts_ListensForEveryHostButTheRefusingOne()
    {
        var lab = FleetDefinition.Load(Path.Combine(AppContext.BaseDirectory, "samples", "lab-fleet.json"));
        var fleet = lab with { Hosts = [.. lab.Hosts.Select(h => h with { Address = h.Address.Replace("127.10.", "127.52.", StringComparison.Ordinal), Port = 0 })] };

        await using var simulator = await SmtpSimulator.StartAsync(fleet, TimeProvider.System);

        Assert.Equal(fleet.Hosts.Count, simulator.Endpoints.Count);
        Assert.All(simulator.Endpoints.Where(e => e.Fault != SimulatedFault.Refuse), e => Assert.NotEqual(0, e.EndPoint.Port));
    }

    [Fact]
    public async Task SessionsPerHost_CountsTheConnectionsEachHostAccepted_InFleetOrder()
    {
        var transcript = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "samples", "transcripts", "ex2003-healthy-real.txt"));
        var fleet = new FleetDefinition
        {
            Hosts = [.. Enumerable.Range(1, 3).Select(i => new SimulatedHostDefinition { Address = $"127.53.0.{i}", Port = 0, TranscriptText = transcript })],
        };
        await using var simulator = await SmtpSimulator.StartAsync(fleet, TimeProvider.System);

        foreach (var index in new[] { 2, 0, 2 })
        {
            using var client = new System.Net.Sockets.TcpClient();
            await client.ConnectAsync(simulator.Endpoints[index].EndPoint, TestContext.Current.CancellationToken);
            var greeting = new byte[64];
            _ = await client.GetStream().ReadAsync(greeting, TestContext.Current.CancellationToken);
        }

        Assert.Equal([1, 0, 2], simulator.SessionsPerHost());
        Assert.Equal(3, simulator.Statistics.Sessions);
    }
}
