using System.Collections.Immutable;
using System.Globalization;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Inventory;
using ExchangeSmtpFleet.Core.Probing;

namespace ExchangeSmtpFleet.Core.Auditing;

/// <summary>
/// The audit: reads the inventory, probes and classifies every host, hands each outcome to the result sinks as it
/// arrives, and counts. The command line (<c>probe</c>, <c>scan</c>) and the coming jobs run the audit through this
/// one service; they only parse options and render.
/// </summary>
public sealed class AuditService
{
    /// <summary>Most outcomes one <see cref="IResultSink.WriteAsync"/> call receives.</summary>
    public const int MaxBatchSize = 500;

    /// <summary>Outcomes that may wait for a slow sink before the probing waits for it.</summary>
    public const int SinkQueueCapacity = 4096;

    private readonly IInventoryReader _inventory;
    private readonly IFleetProber _fleet;
    private readonly IHostProber _prober;
    private readonly Classifier _classifier;
    private readonly TimeProvider _time;
    private readonly string _toolVersion;

    /// <summary>Creates the service.</summary>
    /// <param name="inventory">Reads inventory files.</param>
    /// <param name="fleet">Probes and classifies a set of hosts.</param>
    /// <param name="prober">Probes one host (its options are recorded with each run).</param>
    /// <param name="classifier">Judges one host.</param>
    /// <param name="time">The clock.</param>
    /// <param name="toolVersion">The version of esfleet, recorded with each run.</param>
    public AuditService(IInventoryReader inventory, IFleetProber fleet, IHostProber prober, Classifier classifier, TimeProvider time, string toolVersion)
    {
        _inventory = inventory;
        _fleet = fleet;
        _prober = prober;
        _classifier = classifier;
        _time = time;
        _toolVersion = toolVersion;
    }

    /// <summary>Reads and validates an inventory file; never throws for a bad file.</summary>
    /// <param name="path">The inventory file.</param>
    public InventoryReadResult ReadInventory(string path) => _inventory.ReadFile(path);

    /// <summary>Probes and classifies one host.</summary>
    /// <param name="host">The host with what the inventory expects of it.</param>
    /// <param name="onLine">Called for every transcript line as it happens, or null.</param>
    /// <param name="cancellationToken">The caller's cancellation.</param>
    public async Task<HostOutcome> ProbeHostAsync(InventoryHost host, Action<TranscriptLine>? onLine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        var probe = await _prober.ProbeAsync(host.Host, host.Port, onLine, cancellationToken).ConfigureAwait(false);
        return new HostOutcome(host, probe, _classifier.Classify(probe.Observation, ContextFor(host, _time.GetUtcNow())));
    }

    /// <summary>What the classifier needs to know of an inventory host.</summary>
    /// <param name="host">The inventory row.</param>
    /// <param name="now">The clock reading for certificate findings.</param>
    public static ClassificationContext ContextFor(InventoryHost host, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(host);
        return new ClassificationContext(host.Profile, host.IgnoreVerbs, host.Name, now);
    }

    /// <summary>
    /// Audits every host of the request's inventory. Cancellation is not an exception: the run ends
    /// <see cref="AuditRunStatus.Interrupted"/> with the results that arrived, and every sink is closed.
    /// </summary>
    /// <param name="request">The inventory and the concurrency.</param>
    /// <param name="sinks">Where outcomes go as they arrive (see <see cref="IResultSink"/>); may be empty.</param>
    /// <param name="progress">Told after every host, or null.</param>
    /// <param name="cancellationToken">Interrupts the run.</param>
    /// <exception cref="AuditSinkException">A sink failed; the run ended <see cref="AuditRunStatus.Failed"/>.</exception>
    /// <remarks>An exception of the fleet prober ends the run <see cref="AuditRunStatus.Failed"/>, closes the sinks and is rethrown.</remarks>
    public Task<AuditResult> RunAsync(
        AuditRequest request, IReadOnlyList<IResultSink> sinks, IProgress<FleetProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(sinks);
        if (!request.Inventory.IsUsable)
        {
            throw new ArgumentException($"unusable inventory: {request.Inventory.FatalError}", nameof(request));
        }

        return ExecuteAsync(
            NewRun(request, runId: null), request.Inventory.Hosts, request.Concurrency, request.Inventory.Problems.Length, request.Inventory.DisabledCount,
            sinks, progress, cancellationToken);
    }

    /// <summary>
    /// A new run of the request's inventory (status Running): what <see cref="RunAsync"/> starts, and what the job pipeline
    /// stores before it fans out into batches.
    /// </summary>
    /// <param name="request">The inventory and the concurrency.</param>
    /// <param name="runId">The run's id, or null for a new one made of the kind and the clock.</param>
    public AuditRun NewRun(AuditRequest request, string? runId)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = _time.GetUtcNow();
        return new AuditRun
        {
            RunId = runId ?? NewRunId(request.Kind, started),
            StartedAt = started,
            InventoryPath = request.InventoryPath,
            InventoryHash = request.Inventory.ContentHash,
            HostCount = request.Inventory.Hosts.Length,
            Concurrency = request.Concurrency,
            Probe = _prober.Options,
            ToolVersion = _toolVersion,
        };
    }

    /// <summary>A stored run as the batches of the job pipeline add to it (with this process's probe options).</summary>
    /// <param name="stored">The run as stored.</param>
    /// <param name="concurrency">The batch's concurrency.</param>
    public AuditRun RunOf(Storage.StoredRun stored, int concurrency)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return new AuditRun
        {
            RunId = stored.RunId,
            StartedAt = stored.StartedAt,
            InventoryPath = stored.InventoryPath,
            HostCount = stored.HostCount,
            Concurrency = concurrency,
            Probe = _prober.Options,
            ToolVersion = _toolVersion,
        };
    }

    /// <summary>
    /// Probes some hosts of a run stored before (a batch of the job pipeline) into <paramref name="sinks"/>, which add to
    /// that run. Cancellation and failures behave as in <see cref="RunAsync"/>.
    /// </summary>
    /// <param name="run">The run the hosts belong to.</param>
    /// <param name="hosts">The hosts of the batch.</param>
    /// <param name="concurrency">Most hosts probed at the same time.</param>
    /// <param name="sinks">Where outcomes go.</param>
    /// <param name="progress">Told after every host, or null.</param>
    /// <param name="cancellationToken">Interrupts the batch.</param>
    public Task<AuditResult> RunBatchAsync(
        AuditRun run, IReadOnlyList<InventoryHost> hosts, int concurrency, IReadOnlyList<IResultSink> sinks, IProgress<FleetProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(hosts);
        ArgumentNullException.ThrowIfNull(sinks);
        return ExecuteAsync(run, hosts, concurrency, 0, 0, sinks, progress, cancellationToken);
    }

    private async Task<AuditResult> ExecuteAsync(
        AuditRun run, IReadOnlyList<InventoryHost> hosts, int concurrency, int problems, int disabled, IReadOnlyList<IResultSink> sinks,
        IProgress<FleetProgress>? progress, CancellationToken cancellationToken)
    {
        using var failure = new CancellationTokenSource();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, failure.Token);
        var detached = ImmutableArray.CreateBuilder<string>();
        var opened = await OpenSinksAsync(run, sinks, detached, stop.Token).ConfigureAwait(false);
        var pumps = opened.Select(s => new SinkPump(
            s, SinkQueueCapacity, MaxBatchSize, s.OnFailure == SinkFailurePolicy.StopRun ? failure.Cancel : () => { }, failure.Token)).ToArray();
        var counts = new int[Enum.GetValues<Verdict>().Length];
        var status = AuditRunStatus.Completed;
        Exception? probingFailure = null;
        var start = _time.GetTimestamp();
        try
        {
            await foreach (var outcome in _fleet.ProbeAsync(hosts, concurrency, progress, stop.Token).ConfigureAwait(false))
            {
                counts[(int)outcome.Classification.Verdict]++;
                foreach (var pump in pumps)
                {
                    // False for a sink that failed: a stopping one has cancelled the run, a detached one is skipped.
                    await pump.AddAsync(outcome, stop.Token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            status = failure.IsCancellationRequested ? AuditRunStatus.Failed : AuditRunStatus.Interrupted;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The probing itself failed (this machine out of sockets for minutes): the sinks still get what arrived and
            // are closed with the run Failed; then the caller hears why.
            status = AuditRunStatus.Failed;
            probingFailure = e;
        }

        await Task.WhenAll(pumps.Select(p => p.DrainAsync())).ConfigureAwait(false);
        detached.AddRange(pumps.Where(p => p.Failure is not null && p.Sink.OnFailure == SinkFailurePolicy.Detach)
            .Select(p => Describe(p.Sink, p.Failure!)));
        var failed = pumps.FirstOrDefault(p => p.Failure is not null && p.Sink.OnFailure == SinkFailurePolicy.StopRun);
        if (failed is not null)
        {
            status = AuditRunStatus.Failed;
        }

        run = run with { Status = status, FinishedAt = _time.GetUtcNow() };
        var summary = new RunSummary
        {
            Counts = RunSummary.CountsFrom(counts),
            InventoryProblems = problems,
            Disabled = disabled,
            Expected = hosts.Count,
            Elapsed = _time.GetElapsedTime(start),
        };

        var closeFailure = await CloseSinksAsync(pumps.Where(p => p.Failure is null).Select(p => p.Sink), run, summary, detached).ConfigureAwait(false);
        if (failed is not null)
        {
            throw new AuditSinkException(Describe(failed.Sink, failed.Failure!), failed.Failure!);
        }

        if (probingFailure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(probingFailure);
        }

        return closeFailure is null ? new AuditResult(run, summary, detached.ToImmutable()) : throw closeFailure;
    }

    /// <summary>Opens every sink; one that may be dropped is, one that may not ends the run before it starts.</summary>
    private static async Task<List<IResultSink>> OpenSinksAsync(
        AuditRun run, IReadOnlyList<IResultSink> sinks, ImmutableArray<string>.Builder detached, CancellationToken cancellationToken)
    {
        var opened = new List<IResultSink>(sinks.Count);
        foreach (var sink in sinks)
        {
            try
            {
                await sink.OpenAsync(run, cancellationToken).ConfigureAwait(false);
                opened.Add(sink);
            }
            catch (Exception e) when (e is not OperationCanceledException && sink.OnFailure == SinkFailurePolicy.Detach)
            {
                detached.Add(Describe(sink, e));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The sinks opened so far hear that the run failed before it began.
                var failed = run with { Status = AuditRunStatus.Failed, FinishedAt = run.StartedAt };
                await CloseSinksAsync(opened, failed, new RunSummary { Counts = RunSummary.CountsFrom(new int[Enum.GetValues<Verdict>().Length]) }, detached)
                    .ConfigureAwait(false);
                throw new AuditSinkException(Describe(sink, e), e);
            }
        }

        return opened;
    }

    /// <summary>Closes the sinks; a failure to close one that may be dropped is reported with the result, the other kind returned.</summary>
    private static async Task<AuditSinkException?> CloseSinksAsync(
        IEnumerable<IResultSink> sinks, AuditRun run, RunSummary summary, ImmutableArray<string>.Builder detached)
    {
        AuditSinkException? failure = null;
        foreach (var sink in sinks)
        {
            try
            {
                await sink.CloseAsync(run, summary, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (sink.OnFailure == SinkFailurePolicy.Detach)
            {
                detached.Add(Describe(sink, e));
            }
            catch (Exception e)
            {
                failure ??= new AuditSinkException(Describe(sink, e), e);
            }
        }

        return failure;
    }

    /// <summary>"name: message", unless the message names the sink itself (a store's errors start with the database).</summary>
    private static string Describe(IResultSink sink, Exception error) =>
        error.Message.StartsWith($"{sink.Name}: ", StringComparison.Ordinal) ? error.Message : $"{sink.Name}: {error.Message}";

    private static string NewRunId(string kind, DateTimeOffset started) =>
        string.Create(CultureInfo.InvariantCulture, $"{kind}-{started:yyyyMMdd'T'HHmmss'Z'}-{Guid.NewGuid().ToString("N")[..6]}");
}
