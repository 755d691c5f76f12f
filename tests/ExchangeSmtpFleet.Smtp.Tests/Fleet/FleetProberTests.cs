using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Inventory;
using ExchangeSmtpFleet.Core.Probing;
using ExchangeSmtpFleet.Core.Profiles;
using ExchangeSmtpFleet.Simulator;
using ExchangeSmtpFleet.Smtp.Fleet;
using ExchangeSmtpFleet.Smtp.Probing;

namespace ExchangeSmtpFleet.Smtp.Tests.Fleet;

public sealed class FleetProberTests
{
    private static readonly ProbeOptions Options = new()
    {
        EhloName = "auditor.test",
        ConnectTimeout = TimeSpan.FromSeconds(5),
        GreetingTimeout = TimeSpan.FromSeconds(10),
        ReplyTimeout = TimeSpan.FromSeconds(10),
        StartTls = false,
    };

    private static readonly Classifier Judge = new(ProfileCatalog.BuiltIn);

    private static FleetProber Prober() => new(new SmtpProber(Options, TimeProvider.System), TimeProvider.System);

    private static Verdict VerdictOf(ProbedHost probed) =>
        Judge.Classify(probed.Probe.Observation, ClassificationContext.Of(probed.Host, TimeProvider.System.GetUtcNow())).Verdict;

    private static List<InventoryHost> Inventory(SmtpSimulator simulator) =>
        [.. simulator.Endpoints.Select((e, i) => new InventoryHost
        {
            LineNumber = i + 2,
            Host = e.EndPoint.Address.ToString(),
            Port = e.EndPoint.Port,
            Profile = ProfileCatalog.DefaultProfileId,
        })];

    private static FleetDefinition Fleet(int count, int latencyMs = 0)
    {
        var text = Loopback.Transcript("ex2003-healthy-real.txt");
        return new FleetDefinition
        {
            Hosts = [.. Enumerable.Range(0, count).Select(_ => new SimulatedHostDefinition { Address = Loopback.Next(), Port = 0, TranscriptText = text, LatencyMs = latencyMs })],
        };
    }

    [Fact]
    public async Task Probe_ConcurrencyBound_IsNeverExceededOnTheServerSide()
    {
        await using var simulator = await SmtpSimulator.StartAsync(Fleet(40, latencyMs: 100), TimeProvider.System);

        var outcomes = new List<ProbedHost>();
        await foreach (var probed in Prober().ProbeAsync(Inventory(simulator), concurrency: 5, TestContext.Current.CancellationToken))
        {
            outcomes.Add(probed);
        }

        Assert.Equal(40, outcomes.Count);
        Assert.InRange(simulator.Statistics.MaxConcurrentSessions, 2, 5);
        Assert.All(outcomes, o => Assert.InRange(o.InFlight, 0, 5));
    }

    [Fact]
    public async Task Probe_TwoThousandHosts_ReturnsEveryHostExactlyOnce()
    {
        await using var simulator = await SmtpSimulator.StartAsync(Fleet(2000), TimeProvider.System);
        var inventory = Inventory(simulator);

        var seen = new List<string>();
        await foreach (var probed in Prober().ProbeAsync(inventory, 64, TestContext.Current.CancellationToken))
        {
            seen.Add(probed.Host.Key);
            Assert.Equal(Verdict.Healthy, VerdictOf(probed));
        }

        Assert.Equal(2000, seen.Count);
        Assert.Equal(inventory.Select(h => h.Key).Order(), seen.Order());
        Assert.Equal(2000, simulator.Statistics.Sessions);
    }

    [Fact]
    public async Task Probe_CancelledMidway_StopsAndReleasesEverySession()
    {
        await using var simulator = await SmtpSimulator.StartAsync(Fleet(200, latencyMs: 50), TimeProvider.System);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var received = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in Prober().ProbeAsync(Inventory(simulator), 8, cancel.Token))
            {
                if (++received == 10)
                {
                    await cancel.CancelAsync();
                }
            }
        });

        Assert.InRange(received, 10, 30);
        Assert.True(simulator.Statistics.Sessions < 200, $"{simulator.Statistics.Sessions} sessions after cancelling");
    }

    [Fact]
    public async Task Probe_ConsumerStopsEarly_DoesNotHang()
    {
        await using var simulator = await SmtpSimulator.StartAsync(Fleet(100), TimeProvider.System);

        await foreach (var _ in Prober().ProbeAsync(Inventory(simulator), 4, TestContext.Current.CancellationToken))
        {
            break;
        }

        Assert.True(simulator.Statistics.Sessions < 100);
    }

    [Fact]
    public async Task Probe_ConsumerThrows_TheExceptionReachesTheCallerAndProbingStops()
    {
        // The consumer's loop body may run on the thread that finished a probe: its exception must still reach
        // whoever awaits the loop, and no worker may go on probing.
        // Probes are counted where they start, not where the simulator accepts them: on a busy machine a connection made
        // before the stop may be accepted after it.
        await using var simulator = await SmtpSimulator.StartAsync(Fleet(100), TimeProvider.System);
        var counting = new CountingProber(new SmtpProber(Options, TimeProvider.System));
        var seen = 0;

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var _ in new FleetProber(counting, TimeProvider.System).ProbeAsync(Inventory(simulator), 4, TestContext.Current.CancellationToken))
            {
                if (++seen == 3)
                {
                    throw new InvalidOperationException("consumer failed");
                }
            }
        });

        Assert.Equal("consumer failed", thrown.Message);
        var startedBeforeStop = counting.Started;
        await Task.Delay(200, TestContext.Current.CancellationToken);
        Assert.Equal(startedBeforeStop, counting.Started);
        Assert.True(startedBeforeStop < 100);
    }

    [Fact]
    public async Task Probe_HandsBackTheInventoryRowItProbed()
    {
        await using var simulator = await SmtpSimulator.StartAsync(Fleet(1), TimeProvider.System);
        var host = Inventory(simulator)[0] with { Name = "exch42.corp.example", IgnoreVerbs = ["XEXCH50"] };

        var probed = await Prober().ProbeAsync([host], 1, TestContext.Current.CancellationToken).SingleAsync(TestContext.Current.CancellationToken);

        Assert.Same(host, probed.Host);
        Assert.Equal((host.Host, host.Port), (probed.Probe.Host, probed.Probe.Port));
    }

    /// <summary>Issue 7, defect 3: running out of sockets is back-pressure, never a crash or a verdict on the host.</summary>
    [Fact]
    public async Task Probe_OutOfSockets_WaitsAndGivesEveryHostExactlyOneResultOfItsOwn()
    {
        await using var simulator = await SmtpSimulator.StartAsync(Fleet(50), TimeProvider.System);
        var scarce = new ScarceSockets(new SmtpProber(Options, TimeProvider.System), failuresPerHost: 3);
        var prober = new FleetProber(scarce, TimeProvider.System);

        var outcomes = new List<ProbedHost>();
        await foreach (var probed in prober.ProbeAsync(Inventory(simulator), 16, TestContext.Current.CancellationToken))
        {
            outcomes.Add(probed);
        }

        Assert.Equal(50, outcomes.Count);
        Assert.Equal(50, outcomes.Select(o => o.Host.Key).Distinct().Count());
        Assert.All(outcomes, o => Assert.Equal(Verdict.Healthy, VerdictOf(o)));
        Assert.Equal(50 * 3, scarce.Refused);
    }

    /// <summary>Refuses the first sockets of every host as an exhausted descriptor table would, then lets the probe through.</summary>
    private sealed class ScarceSockets(IHostProber inner, int failuresPerHost) : IHostProber
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _tries = new();
        private int _refused;

        public int Refused => _refused;

        public ProbeOptions Options => inner.Options;

        public Task<ProbeResult> ProbeAsync(string host, int port, Action<TranscriptLine>? onLine, CancellationToken cancellationToken)
        {
            if (_tries.AddOrUpdate($"{host}:{port}", 1, (_, n) => n + 1) <= failuresPerHost)
            {
                Interlocked.Increment(ref _refused);
                throw new OutOfSocketsException("cannot open a socket: TooManyOpenSockets");
            }

            return inner.ProbeAsync(host, port, onLine, cancellationToken);
        }
    }

    /// <summary>Counts the probes started through it.</summary>
    private sealed class CountingProber(IHostProber inner) : IHostProber
    {
        private int _started;

        public int Started => Volatile.Read(ref _started);

        public ProbeOptions Options => inner.Options;

        public Task<ProbeResult> ProbeAsync(string host, int port, Action<TranscriptLine>? onLine, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _started);
            return inner.ProbeAsync(host, port, onLine, cancellationToken);
        }
    }
}
