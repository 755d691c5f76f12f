using System.Runtime.CompilerServices;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Inventory;
using ExchangeSmtpFleet.Core.Probing;
using ExchangeSmtpFleet.Core.Profiles;
using Microsoft.Extensions.Time.Testing;

namespace ExchangeSmtpFleet.Core.Tests.Auditing;

/// <summary>Builders and fakes for the audit workflow: hosts whose verdict is decided by their name, an inventory reader of given inventories.</summary>
internal static class AuditFakes
{
    public static readonly DateTimeOffset Now = new(2026, 11, 30, 2, 0, 0, TimeSpan.Zero);

    public static InventoryReadResult Fleet(int hosts, int problems = 0) => new()
    {
        Hosts = [.. Enumerable.Range(1, hosts).Select(i => Host($"h{i}.example", i + 1))],
        Problems = [.. Enumerable.Range(1, problems).Select(i => new InventoryProblem(100 + i, "bad port"))],
        ContentHash = "ab12",
    };

    public static InventoryHost Host(string name, int line = 2) => new() { LineNumber = line, Host = name, Profile = ProfileCatalog.DefaultProfileId };

    /// <summary>What probing a host shows: a host named <c>sick*</c> misses its sinks; every other host is healthy.</summary>
    public static ProbeResult Probe(InventoryHost host) => new()
    {
        Host = host.Host,
        Port = host.Port,
        Observation = host.Host.StartsWith("sick", StringComparison.Ordinal)
            ? ObservationBuilder.Ex2003Without("X-EXPS", "X-EXPS=LOGIN", "X-LINK2STATE", "XEXCH50").Build()
            : ObservationBuilder.Ex2003().Build(),
        StartedAt = Now,
        Timings = new ProbeTimings(1, 1, 1, null, 3),
    };

    /// <summary>The workflow over the fakes; every part can be swapped.</summary>
    public static AuditWorkflow Workflow(
        IFleetProber? fleet = null, MemoryStore? store = null, FakePublisher? publisher = null, ListJobQueue? queue = null,
        TimeProvider? time = null, AuditWorkflowOptions? options = null, IInventoryReader? inventory = null)
    {
        store ??= new MemoryStore();
        return new(
            inventory ?? new Inventories(),
            fleet ?? new InstantFleet(),
            new NoHostProber(),
            new Classifier(ProfileCatalog.BuiltIn),
            store,
            store,
            store,
            publisher ?? new FakePublisher(),
            time ?? new FakeTimeProvider(Now),
            options ?? new AuditWorkflowOptions { ToolVersion = "9.9.9-test", BatchConcurrency = 4 },
            queue);
    }

    /// <summary>Inventory files as the test gives them, by path.</summary>
    internal sealed class Inventories : IInventoryReader
    {
        private readonly Dictionary<string, InventoryReadResult> _files = new(StringComparer.Ordinal);

        public int Reads { get; private set; }

        public Inventories Add(string path, InventoryReadResult inventory)
        {
            _files[path] = inventory;
            return this;
        }

        public InventoryReadResult ReadFile(string path)
        {
            Reads++;
            return _files.TryGetValue(path, out var inventory) ? inventory : new InventoryReadResult { FatalError = "file not found" };
        }
    }

    /// <summary>Yields every host's probe at once, on the caller's thread, and says how far the consumer took it.</summary>
    internal sealed class InstantFleet : IFleetProber
    {
        public int Yielded { get; private set; }

        public bool Finished { get; private set; }

        public List<string> Probed { get; } = [];

        public async IAsyncEnumerable<ProbedHost> ProbeAsync(
            IReadOnlyList<InventoryHost> hosts, int concurrency, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            foreach (var host in hosts)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Yielded++;
                Probed.Add(host.Key);
                yield return new ProbedHost(host, Probe(host), 0);
                await Task.Yield();
            }

            Finished = true;
        }
    }

    /// <summary>Yields <paramref name="after"/> probes, then throws as an engine out of sockets would.</summary>
    internal sealed class FailingFleet(int after) : IFleetProber
    {
        public async IAsyncEnumerable<ProbedHost> ProbeAsync(
            IReadOnlyList<InventoryHost> hosts, int concurrency, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            for (var i = 0; i < after; i++)
            {
                yield return new ProbedHost(hosts[i], Probe(hosts[i]), 0);
            }

            await Task.Yield();
            throw new InvalidOperationException("no sockets");
        }
    }

    /// <summary>Cancels <paramref name="cancel"/> after <paramref name="after"/> probes.</summary>
    internal sealed class CancellingFleet(int after, CancellationTokenSource cancel) : IFleetProber
    {
        public async IAsyncEnumerable<ProbedHost> ProbeAsync(
            IReadOnlyList<InventoryHost> hosts, int concurrency, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            for (var i = 0; i < hosts.Count; i++)
            {
                if (i == after)
                {
                    await cancel.CancelAsync();
                }

                cancellationToken.ThrowIfCancellationRequested();
                yield return new ProbedHost(hosts[i], Probe(hosts[i]), 0);
            }
        }
    }

    /// <summary>Records what the workflow hands over, and when; can hold every write until released, or throw.</summary>
    internal sealed class RecordingSink(string name = "recording") : IResultSink
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Name => name;

        public bool Hold { get; init; }

        public bool FailComplete { get; init; }

        public int FailAfter { get; init; } = int.MaxValue;

        public List<HostOutcome> Written { get; } = [];

        public List<int> BatchSizes { get; } = [];

        public bool Completed { get; private set; }

        public bool Disposed { get; private set; }

        public TaskCompletionSource FirstWrite { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _gate.TrySetResult();

        public async Task WriteAsync(IReadOnlyList<HostOutcome> batch, CancellationToken cancellationToken)
        {
            FirstWrite.TrySetResult();
            if (Hold)
            {
                await _gate.Task.WaitAsync(cancellationToken);
            }

            if (Written.Count + batch.Count > FailAfter)
            {
                throw new IOException("No space left on device");
            }

            BatchSizes.Add(batch.Count);
            Written.AddRange(batch);
        }

        public Task CompleteAsync(CancellationToken cancellationToken)
        {
            if (FailComplete)
            {
                throw new IOException("connection lost");
            }

            Completed = true;
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return ValueTask.CompletedTask;
        }
    }

    private sealed class NoHostProber : IHostProber
    {
        public ProbeOptions Options { get; } = new() { EhloName = "auditor.test" };

        public Task<ProbeResult> ProbeAsync(string host, int port, Action<TranscriptLine>? onLine, CancellationToken cancellationToken) =>
            Task.FromResult(Probe(Host(host)));
    }
}
