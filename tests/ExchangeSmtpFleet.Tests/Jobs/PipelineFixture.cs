using System.Globalization;
using System.Net;
using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Hosting;
using ExchangeSmtpFleet.Jobs;
using ExchangeSmtpFleet.Simulator;
using ExchangeSmtpFleet.Tests.Cli;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ExchangeSmtpFleet.Tests.Jobs;

/// <summary>A simulated fleet on its own loopback block, its inventory, a data folder, and how to build hosts over them.</summary>
internal sealed class PipelineFixture : IAsyncDisposable
{
    private static int _block;

    private PipelineFixture(int block, SmtpSimulator fleet, string inventory, string data, int hosts)
    {
        Block = block;
        Fleet = fleet;
        Inventory = inventory;
        Data = data;
        Hosts = hosts;
    }

    public int Block { get; }

    public SmtpSimulator Fleet { get; }

    public string Inventory { get; }

    /// <summary>The data folder: esfleet.db, reports/, the embedded job storage.</summary>
    public string Data { get; }

    public int Hosts { get; }

    public string Database => Path.Combine(Data, "esfleet.db");

    public string Reports => Path.Combine(Data, "reports");

    /// <summary>
    /// A fleet of <paramref name="hosts"/> hosts (healthy and missing sinks alternating) answering after <paramref name="latencyMs"/>
    /// per reply; the inventory also lists <paramref name="unreachable"/> addresses where nothing listens (connection refused).
    /// </summary>
    public static async Task<PipelineFixture> StartAsync(int hosts, int latencyMs, int unreachable = 0)
    {
        var block = Interlocked.Increment(ref _block);
        var healthy = File.ReadAllText(CliRunner.Sample("transcripts", "ex2003-healthy-real.txt"));
        var broken = File.ReadAllText(CliRunner.Sample("transcripts", "seed-example-2-missing-sinks.txt"));
        var definitions = Enumerable.Range(1, hosts).Select(i => new SimulatedHostDefinition
        {
            Address = Address(block, i),
            Port = 2525,
            TranscriptText = i % 2 == 0 ? broken : healthy,
            LatencyMs = latencyMs,
        }).ToList();
        var fleet = await SmtpSimulator.StartAsync(new FleetDefinition { Hosts = definitions }, TimeProvider.System);
        var inventory = CliRunner.TempFile("Host,Port,Name,Site\n" + string.Concat(Enumerable.Range(1, hosts).Select(i =>
            string.Create(CultureInfo.InvariantCulture, $"{Address(block, i)},2525,EXCH{i:D3},Berlin\n")))
            + string.Concat(Enumerable.Range(200, unreachable).Select(i =>
            string.Create(CultureInfo.InvariantCulture, $"{Address(block, i)},2525,GONE{i:D3},Hamburg\n"))));
        var data = Path.Combine(CliRunner.DataDirectory, $"pipeline-{block}");
        Directory.CreateDirectory(data);
        return new PipelineFixture(block, fleet, inventory, data, hosts + unreachable);
    }

    /// <summary>The settings of a host over this fleet (mail through <paramref name="relay"/> when given).</summary>
    public Dictionary<string, string?> Settings(int batchSize, int concurrency, IPEndPoint? relay = null)
    {
        var settings = new Dictionary<string, string?>
        {
            [DatabaseSettings.DataDirectoryKey] = Data,
            ["Database:Path"] = Database,
            ["Probe:StartTls"] = "false",
            ["Probe:ReplyTimeoutSeconds"] = "5",
            ["Probe:GreetingTimeoutSeconds"] = "5",
            ["Audit:Inventory"] = Inventory,
            ["Audit:BatchSize"] = batchSize.ToString(CultureInfo.InvariantCulture),
            ["Audit:Concurrency"] = concurrency.ToString(CultureInfo.InvariantCulture),
            ["Audit:Workers"] = "1",
        };
        if (relay is not null)
        {
            settings["Audit:Email"] = "true";
            settings["Mail:Host"] = relay.Address.ToString();
            settings["Mail:Port"] = relay.Port.ToString(CultureInfo.InvariantCulture);
            settings["Mail:Tls"] = "None";
            settings["Mail:From"] = "esfleet@audit.example";
            settings["Mail:To"] = "it-leitung@example.org";
        }

        return settings;
    }

    /// <summary>Adds dashboard user number <paramref name="index"/> to <paramref name="settings"/>; returns its hash (cheap: 10,000 iterations).</summary>
    public static string AddUser(Dictionary<string, string?> settings, int index, string name, string password, string role)
    {
        var hash = PasswordHash.Create(password, 10_000);
        settings[$"Dashboard:Users:{index}:Name"] = name;
        settings[$"Dashboard:Users:{index}:PasswordHash"] = hash;
        settings[$"Dashboard:Users:{index}:Role"] = role;
        return hash;
    }

    /// <summary>Settings as the environment of an esfleet process: <c>ESF_</c> and <c>__</c> for <c>:</c>.</summary>
    public static Dictionary<string, string> Environment(IEnumerable<KeyValuePair<string, string?>> settings) =>
        settings.ToDictionary(s => "ESF_" + s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!);

    /// <summary>The composition root with the job pipeline on <paramref name="storage"/>; <paramref name="configure"/> may replace services.</summary>
    public static IHost Build(Dictionary<string, string?> settings, JobStorage storage, Action<IServiceCollection>? configure = null) =>
        EsfleetHost.Build(TimeProvider.System, settings, settingsFile: "/nonexistent/appsettings.json", configure: services =>
        {
            services.AddAuditJobs(JobHostRole.Serve, _ => storage);
            configure?.Invoke(services);
        });

    /// <summary>Polls until <paramref name="done"/> or the time is up (then fails with <paramref name="what"/>).</summary>
    public static async Task WaitForAsync(Func<Task<bool>> done, TimeSpan limit, string what)
    {
        var start = TimeProvider.System.GetTimestamp();
        while (!await done())
        {
            Assert.True(TimeProvider.System.GetElapsedTime(start) < limit, $"waited {limit.TotalSeconds:0} s for {what}");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Queues the start job as the nightly schedule would and waits until the run's report is written; returns the run's id.</summary>
    public static async Task<string> RunAuditAsync(IServiceProvider services)
    {
        var storage = services.GetRequiredService<JobStorage>();
        var jobId = services.GetRequiredService<IBackgroundJobClient>().Enqueue<AuditJobs>(AuditQueues.Control, j => j.StartAsync(null!, CancellationToken.None));
        var runId = AuditJobs.RunIdOf(storage, jobId);
        var ledger = services.GetRequiredService<IJobLedger>();
        var start = TimeProvider.System.GetTimestamp();
        while (!Core.Auditing.AuditWorkflow.IsDone(await ledger.StepsAsync(runId, TestContext.Current.CancellationToken), RunSteps.Report))
        {
            if (TimeProvider.System.GetElapsedTime(start) >= TimeSpan.FromSeconds(60))
            {
                Assert.Fail($"waited 60 s for the report of {runId}; {JobsNow(storage)}");
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        return runId;
    }

    /// <summary>
    /// What the job storage holds now, for a failure's message: a failed job with its exception, a job waiting for its
    /// retry with the reason Hangfire gave (the exception of the failed attempt), a job still processing.
    /// </summary>
    private static string JobsNow(JobStorage storage)
    {
        var monitor = storage.GetMonitoringApi();
        var statistics = monitor.GetStatistics();
        var failed = monitor.FailedJobs(0, 10).Select(j => $"failed {j.Value.Job?.Method.Name}: {j.Value.ExceptionType}: {j.Value.ExceptionMessage}");
        var scheduled = monitor.ScheduledJobs(0, 10).Select(j => $"scheduled {j.Value.Job?.Method.Name} for {j.Value.EnqueueAt:O}: {monitor.JobDetails(j.Key)?.History.FirstOrDefault()?.Reason}");
        var processing = monitor.ProcessingJobs(0, 10).Select(j => $"processing {j.Value.Job?.Method.Name} since {j.Value.StartedAt:O}");
        return string.Create(CultureInfo.InvariantCulture,
            $"jobs: {statistics.Enqueued} enqueued, {statistics.Processing} processing, {statistics.Scheduled} scheduled, {statistics.Failed} failed, {statistics.Succeeded} succeeded; ")
            + string.Join("; ", failed.Concat(scheduled).Concat(processing));
    }

    /// <summary>The workbooks in the reports folder (not the partial files being written).</summary>
    public string[] Workbooks() => Directory.Exists(Reports) ? [.. Directory.GetFiles(Reports, "*.xlsx").Where(f => !Path.GetFileName(f).StartsWith('.'))] : [];

    /// <summary>Results stored for a run, straight from the database.</summary>
    public async Task<int> ResultsAsync(IAuditHistory store, string runId) =>
        (await store.FindRunAsync(runId, TestContext.Current.CancellationToken))?.Results ?? 0;

    public ValueTask DisposeAsync() => Fleet.DisposeAsync();

    private static string Address(int block, int i) => string.Create(CultureInfo.InvariantCulture, $"127.50.{block}.{i}");
}
