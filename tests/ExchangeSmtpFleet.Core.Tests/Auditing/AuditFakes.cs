using System.Runtime.CompilerServices;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Inventory;
using ExchangeSmtpFleet.Core.Probing;
using ExchangeSmtpFleet.Core.Profiles;

namespace ExchangeSmtpFleet.Core.Tests.Auditing;

/// <summary>Builders and fakes for the audit service: hosts whose verdict is decided by their name.</summary>
internal static class AuditFakes
{
    public static readonly DateTimeOffset Now = new(2026, 11, 30, 2, 0, 0, TimeSpan.Zero);

    public static InventoryReadResult Fleet(int hosts, int problems = 0) => new()
    {
        Hosts = [.. Enumerable.Range(1, hosts).Select(i => Host($"h{i}.example"))],
        Problems = [.. Enumerable.Range(1, problems).Select(i => new InventoryProblem(100 + i, "bad port"))],
        ContentHash = "ab12",
    };

    public static InventoryHost Host(string name) => new() { LineNumber = 2, Host = name, Profile = ProfileCatalog.DefaultProfileId };

    /// <summary>A host named <c>sick*</c> misses its sinks; every other host is healthy.</summary>
    public static HostOutcome Outcome(InventoryHost host)
    {
        var observation = host.Host.StartsWith("sick", StringComparison.Ordinal)
            ? ObservationBuilder.Ex2003Without("X-EXPS", "X-EXPS=LOGIN", "X-LINK2STATE", "XEXCH50").Build()
            : ObservationBuilder.Ex2003().Build();
        var probe = new ProbeResult
        {
            Host = host.Host,
            Port = host.Port,
            Observation = observation,
            StartedAt = Now,
            Timings = new ProbeTimings(1, 1, 1, null, 3),
        };
        return new HostOutcome(host, probe, new Classifier(ProfileCatalog.BuiltIn).Classify(observation, AuditService.ContextFor(host, Now)));
    }

    public static AuditService Service(IFleetProber fleet) =>
        new(new NoInventoryReader(), fleet, new NoHostProber(), new Classifier(ProfileCatalog.BuiltIn), TimeProvider.System, "9.9.9-test");

    /// <summary>Yields every host's outcome at once, on the caller's thread, and says how far the consumer took it.</summary>
    internal sealed class InstantFleet : IFleetProber
    {
        public int Yielded { get; private set; }

        public bool Finished { get; private set; }

        public async IAsyncEnumerable<HostOutcome> ProbeAsync(
            IReadOnlyList<InventoryHost> hosts, int concurrency, IProgress<FleetProgress>? progress, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            foreach (var host in hosts)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Yielded++;
                yield return Outcome(host);
                await Task.Yield();
            }

            Finished = true;
        }
    }

    /// <summary>Records what the audit service hands over, and when; can hold every write until released, or throw.</summary>
    internal sealed class RecordingSink(string name = "recording") : IResultSink
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Name => name;

        public bool Hold { get; init; }

        public SinkFailurePolicy OnFailure { get; init; }

        public bool FailOpen { get; init; }

        public bool FailClose { get; init; }

        public int FailAfter { get; init; } = int.MaxValue;

        public List<HostOutcome> Written { get; } = [];

        public List<int> BatchSizes { get; } = [];

        public AuditRun? Opened { get; private set; }

        public (AuditRun Run, RunSummary Summary)? Closed { get; private set; }

        public TaskCompletionSource FirstWrite { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _gate.TrySetResult();

        public Task OpenAsync(AuditRun run, CancellationToken cancellationToken)
        {
            if (FailOpen)
            {
                throw new IOException("database is locked");
            }

            Opened = run;
            return Task.CompletedTask;
        }

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

        public Task CloseAsync(AuditRun run, RunSummary summary, CancellationToken cancellationToken)
        {
            if (FailClose)
            {
                throw new IOException("connection lost");
            }

            Closed = (run, summary);
            return Task.CompletedTask;
        }
    }

    private sealed class NoInventoryReader : IInventoryReader
    {
        public InventoryReadResult ReadFile(string path) => throw new NotSupportedException("the tests pass inventories in");
    }

    private sealed class NoHostProber : IHostProber
    {
        public ProbeOptions Options { get; } = new() { EhloName = "auditor.test" };

        public Task<ProbeResult> ProbeAsync(string host, int port, Action<TranscriptLine>? onLine, CancellationToken cancellationToken) =>
            Task.FromResult(Outcome(Host(host)).Probe);
    }
}
