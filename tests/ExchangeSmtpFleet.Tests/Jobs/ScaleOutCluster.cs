using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Hosting;
using ExchangeSmtpFleet.Infrastructure.Persistence;
using ExchangeSmtpFleet.Jobs;
using ExchangeSmtpFleet.Simulator;
using ExchangeSmtpFleet.Tests.Cli;
using Hangfire;

namespace ExchangeSmtpFleet.Tests.Jobs;

/// <summary>
/// The scale-out of issue 22 for real: <c>esfleet serve</c> and two <c>esfleet serve --worker</c> processes, each in a network
/// namespace of its own (<see cref="NetworkNamespaces"/>), on one PostgreSQL database (audit store and Hangfire storage),
/// auditing a simulated fleet of 2,000 hosts in batches of 100 and mailing the report through a test relay. The fleet
/// counts the sessions of every host, so a test sees which hosts were probed more than once, and in which batch.
/// </summary>
internal sealed partial class ScaleOutCluster : IAsyncDisposable
{
    public const int Hosts = 2000;

    public const int BatchSize = 100;

    public const int Batches = Hosts / BatchSize;

    /// <summary>How long a worker's batch stays invisible to the others without a heartbeat; short, so that a dead worker's batch comes back soon.</summary>
    public const int InvisibilitySeconds = 20;

    private const int PortsPerAddress = 10;

    private readonly PostgresDatabases _databases;
    private readonly string _processDatabase;
    private readonly string _root;
    private readonly long _created = TimeProvider.System.GetTimestamp();
    private JobStorage? _jobStore;

    private ScaleOutCluster(NetworkNamespaces spaces, SmtpSimulator fleet, TestRelay relay, PostgresDatabases databases, string database,
        string processDatabase, JobStorage? jobStore, string root)
    {
        Spaces = spaces;
        Fleet = fleet;
        Relay = relay;
        _databases = databases;
        Database = database;
        _processDatabase = processDatabase;
        _jobStore = jobStore;
        _root = root;
        Store = AuditStorage.Postgres(database, TimeProvider.System);
    }

    public NetworkNamespaces Spaces { get; }

    public SmtpSimulator Fleet { get; }

    public TestRelay Relay { get; }

    /// <summary>The database's connection string for this (the test's) process, as the database's owner.</summary>
    public string Database { get; }

    /// <summary>The audit store, read by the test.</summary>
    public AuditStorage Store { get; }

    /// <summary>
    /// The Hangfire storage, for what the test asks of the jobs (which batch a process is working on). Made on first use,
    /// after the processes are up: on an empty database they make its schema, not the test.
    /// </summary>
    public JobStorage JobStore => _jobStore ??= PostgresJobStorage.Create(Database, TimeSpan.FromSeconds(InvisibilitySeconds));

    public NamespacedProcess? Serve { get; private set; }

    public NamespacedProcess? WorkerA { get; private set; }

    public NamespacedProcess? WorkerB { get; private set; }

    public NetworkNamespace ServeSpace => Spaces.Namespaces[0];

    public NetworkNamespace WorkerASpace => Spaces.Namespaces[1];

    public NetworkNamespace WorkerBSpace => Spaces.Namespaces[2];

    public string Reports => Path.Combine(_root, "serve", "reports");

    /// <summary>
    /// Namespaces, a fleet answering after <paramref name="latencyMs"/> per reply (healthy and missing sinks alternating) on
    /// the set's fleet network, a relay there too, a new database: empty for <see cref="ScaleOutLogin.Owner"/>, set up by
    /// its owner as the README's DBA does for <see cref="ScaleOutLogin.RunningRights"/>. Skips (or fails under CI) without
    /// root, iproute2 or PostgreSQL.
    /// </summary>
    public static async Task<ScaleOutCluster> CreateAsync(int latencyMs, ScaleOutLogin login)
    {
        await NetworkNamespaces.SkipUnlessAvailableAsync();
        var databases = new PostgresDatabases();
        NetworkNamespaces? spaces = null;
        try
        {
            var database = await databases.CreateAsync();
            var processDatabase = database;
            JobStorage? jobStore = null;
            if (login == ScaleOutLogin.RunningRights)
            {
                var script = await CliRunner.RunAsync("db", "script", "--provider", "postgres");
                Assert.True(script.ExitCode == 0, script.Error);
                await PostgresDatabases.ExecuteAsync(database, script.Output);
                jobStore = PostgresJobStorage.Create(database, TimeSpan.FromSeconds(InvisibilitySeconds));
                processDatabase = await databases.CreateRunningLoginAsync(database);
            }

            spaces = await NetworkNamespaces.CreateAsync(3);
            var healthy = await File.ReadAllTextAsync(CliRunner.Sample("transcripts", "ex2003-healthy-real.txt"));
            var broken = await File.ReadAllTextAsync(CliRunner.Sample("transcripts", "seed-example-2-missing-sinks.txt"));
            var fleet = await SmtpSimulator.StartAsync(new FleetDefinition
            {
                Hosts = [.. Enumerable.Range(0, Hosts).Select(i => new SimulatedHostDefinition
                {
                    Address = spaces.FleetAddress(1 + (i / PortsPerAddress)).ToString(),
                    Port = 2525 + (i % PortsPerAddress),
                    TranscriptText = i % 2 == 0 ? healthy : broken,
                    LatencyMs = latencyMs,
                })],
            }, TimeProvider.System);
            var relay = await TestRelay.StartAsync(new IPEndPoint(spaces.FleetAddress(254), 2525), startTls: false);
            var root = Path.Combine(CliRunner.DataDirectory, $"scale-out-{spaces.Block}-{Guid.NewGuid():N}");
            Directory.CreateDirectory(root);
            await File.WriteAllTextAsync(Path.Combine(root, "inventory.csv"), "Host,Port,Name,Site\n" + string.Concat(fleet.Endpoints.Select((e, i) =>
                string.Create(CultureInfo.InvariantCulture, $"{e.EndPoint.Address},{e.EndPoint.Port},EXCH{i + 1:D4},Site{i / BatchSize:D2}\n"))));
            return new ScaleOutCluster(spaces, fleet, relay, databases, database, processDatabase, jobStore, root);
        }
        catch
        {
            if (spaces is not null)
            {
                await spaces.DisposeAsync();
            }

            await databases.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Starts <c>serve</c> and the two workers at once, waits until each says it is up (its schemas checked or made, its
    /// Hangfire server started) and the three are Hangfire servers on the storage, then
    /// triggers the recurring audit (as <c>serve --run-now</c> or the dashboard's "Trigger now" does: its start job runs on
    /// <c>serve</c>, the only process that takes the control queue); returns the run's id when the start job has stored it.
    /// </summary>
    public async Task<string> StartAsync()
    {
        Note("cluster made: namespaces, fleet, relay, database");
        Serve = Start(ServeSpace, "serve");
        WorkerA = Start(WorkerASpace, "worker-a", "--worker");
        WorkerB = Start(WorkerBSpace, "worker-b", "--worker");
        await WaitForAsync(() => Task.FromResult(new[] { Serve, WorkerA, WorkerB }.All(p => p.Output.Contains("Ctrl+C stops", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(90), "serve and the workers to start", Serve, WorkerA, WorkerB);
        await WaitForAsync(() => Task.FromResult(JobStore.GetMonitoringApi().Servers().Count >= 3), TimeSpan.FromSeconds(90), "three Hangfire servers",
            Serve, WorkerA, WorkerB);
        Note("serve and workers up");
        GlobalConfiguration.Configuration.SetDataCompatibilityLevel(CompatibilityLevel.Version_180).UseSimpleAssemblyNameTypeSerializer().UseRecommendedSerializerSettings();
        new RecurringJobManager(JobStore).TriggerJob(AuditSettings.RecurringJobId);
        string? runId = null;
        await WaitForAsync(async () => (runId = (await Store.History.FindRunAsync("latest", TestContext.Current.CancellationToken))?.RunId) is not null
            && await Store.Ledger.PipelineRunAsync(runId, TestContext.Current.CancellationToken) is not null,
            TimeSpan.FromSeconds(90), "the run", Serve, WorkerA, WorkerB);
        Note($"run {runId} begun");
        return runId!;
    }

    /// <summary>Waits until the run's report is written and mailed (the end of a run).</summary>
    /// <param name="runId">The run.</param>
    /// <param name="limit">How long at most.</param>
    /// <param name="alive">The processes that must not end meanwhile.</param>
    public Task WaitForMailAsync(string runId, TimeSpan limit, params NamespacedProcess[] alive) => WaitForAsync(async () =>
        AuditWorkflow.IsDone(await Store.Ledger.StepsAsync(runId, TestContext.Current.CancellationToken), RunSteps.Mail), limit, "the report's mail", alive);

    /// <summary>
    /// The batch <paramref name="worker"/> is processing now (its Hangfire job on this process), if the batch has some of its
    /// hosts stored and at least half still to do: the worker is in the middle of it, with about half a second of probing
    /// left, far more than the test needs to act on it. (With any host still pending a fault could come after the batch's
    /// last write, when the worker has begun the next one: then the next batch is the one probed twice.) Null otherwise.
    /// </summary>
    public async Task<int?> BatchInTheMiddleAsync(NamespacedProcess worker, string runId)
    {
        var mine = string.Create(CultureInfo.InvariantCulture, $":{worker.Id}:");
        var processing = JobStore.GetMonitoringApi().ProcessingJobs(0, 50)
            .Where(j => j.Value?.ServerId?.Contains(mine, StringComparison.Ordinal) == true && j.Value.Job?.Method.Name == nameof(AuditJobs.BatchAsync))
            .Select(j => Convert.ToInt32(j.Value.Job.Args[2], CultureInfo.InvariantCulture))
            .ToList();
        foreach (var batch in processing)
        {
            var pending = await Store.Ledger.PendingHostsAsync(runId, (batch - 1) * BatchSize, BatchSize, TestContext.Current.CancellationToken);
            if (pending.Count >= BatchSize / 2 && pending.Count < BatchSize)
            {
                return batch;
            }
        }

        return null;
    }

    /// <summary>The batches (from 1) with a host the fleet saw more than once, and hosts it never saw.</summary>
    public (IReadOnlyList<int> ProbedTwice, int NeverProbed) Probes()
    {
        var sessions = Fleet.SessionsPerHost();
        return ([.. sessions.Select((count, i) => (count, i)).Where(s => s.count > 1).Select(s => (s.i / BatchSize) + 1).Distinct().Order()],
            sessions.Count(count => count == 0));
    }

    /// <summary>How many batches each process reports it finished ("batch N of 20 of ...").</summary>
    public static int BatchesDoneBy(NamespacedProcess process) => BatchLine().Count(process.Log);

    /// <summary>Writes <paramref name="what"/> with the seconds since the cluster was made to the test's output (the timeline of a run).</summary>
    public void Note(string what) =>
        TestContext.Current.TestOutputHelper?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{TimeProvider.System.GetElapsedTime(_created).TotalSeconds,6:0.0} s  {what}"));

    /// <summary>The logs of the processes, for a failure's message.</summary>
    public string Logs() => string.Join("\n", new[] { ("serve", Serve), ("worker A", WorkerA), ("worker B", WorkerB) }
        .Where(p => p.Item2 is not null).Select(p => $"--- {p.Item1} (pid {p.Item2!.Id}) ---\n{p.Item2.Log}"));

    /// <summary>Polls <paramref name="done"/> until true; fails after <paramref name="limit"/> with the logs of <paramref name="processes"/>.</summary>
    public async Task WaitForAsync(Func<Task<bool>> done, TimeSpan limit, string what, params NamespacedProcess[] processes)
    {
        var start = TimeProvider.System.GetTimestamp();
        while (!await done())
        {
            var exited = processes.FirstOrDefault(p => p.HasExited);
            Assert.True(exited is null, $"a process ended (exit {exited?.ExitCode}) while waiting for {what}:\n{Logs()}");
            Assert.True(TimeProvider.System.GetElapsedTime(start) < limit, $"waited {limit.TotalSeconds:0} s for {what}:\n{Logs()}");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (name, process) in new[] { ("serve", Serve), ("worker-a", WorkerA), ("worker-b", WorkerB) })
        {
            if (process is not null)
            {
                await File.WriteAllTextAsync(Path.Combine(_root, $"{name}.log"), process.Log);
            }
        }

        Note($"process logs in {_root}");
        await Spaces.DisposeAsync();
        await Relay.DisposeAsync();
        await Fleet.DisposeAsync();
        await _databases.DisposeAsync();
    }

    /// <summary>
    /// A process of the cluster in its namespace, with its own data folder (as a machine of its own), every setting as an
    /// ESF_ variable. Two cores: one batch at a time per process (Audit:Workers 1), 10 probes at a time; short probe
    /// time-outs (the fleet answers at once).
    /// </summary>
    private NamespacedProcess Start(NetworkNamespace space, string name, params string[] role)
    {
        var settings = new Dictionary<string, string>
        {
            ["DATA_DIR"] = Path.Combine(_root, name),
            ["Database:Provider"] = "postgres",
            ["ConnectionStrings:Fleet"] = NetworkNamespace.DatabaseConnectionString(_processDatabase),
            ["Database:JobInvisibilitySeconds"] = InvisibilitySeconds.ToString(CultureInfo.InvariantCulture),
            ["Probe:StartTls"] = "false",
            ["Probe:ConnectTimeoutSeconds"] = "5",
            ["Probe:GreetingTimeoutSeconds"] = "5",
            ["Probe:ReplyTimeoutSeconds"] = "5",
            ["Probe:HostDeadlineSeconds"] = "20",
            ["Probe:Retries"] = "0",
            ["Audit:Inventory"] = Path.Combine(_root, "inventory.csv"),
            ["Audit:BatchSize"] = BatchSize.ToString(CultureInfo.InvariantCulture),
            ["Audit:Concurrency"] = "10",
            ["Audit:Workers"] = "1",
            ["Audit:Email"] = "true",
            ["Mail:Host"] = Relay.Endpoint.Address.ToString(),
            ["Mail:Port"] = Relay.Endpoint.Port.ToString(CultureInfo.InvariantCulture),
            ["Mail:Tls"] = "None",
            ["Mail:From"] = "esfleet@audit.example",
            ["Mail:To"] = "it-leitung@example.org",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:ExchangeSmtpFleet"] = "Information",
            ["Logging:LogLevel:Hangfire"] = "Information",
            ["Logging:Console:FormatterOptions:TimestampFormat"] = "HH:mm:ss.fff ",
        };
        return space.Start("dotnet", [Path.Combine(AppContext.BaseDirectory, "esfleet.dll"), "serve", "--urls", "http://127.0.0.1:0", .. role],
            settings.ToDictionary(s => "ESF_" + s.Key.Replace(":", "__", StringComparison.Ordinal), s => (string?)s.Value));
    }

    [GeneratedRegex(@"batch \d+ of \d+ of audit-\S+: \d+ hosts probed")]
    private static partial Regex BatchLine();
}
