using System.Diagnostics;
using System.Globalization;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Inventory;
using ExchangeSmtpFleet.Core.Probing;
using ExchangeSmtpFleet.Core.Profiles;
using ExchangeSmtpFleet.Core.Transcripts;

namespace ExchangeSmtpFleet.Benchmarks;

/// <summary>
/// Writes N results of the real Exchange 2003 capture (16 keywords, a 17-line transcript each) into a new SQLite database
/// (or with <c>--postgres</c> a new PostgreSQL database) through the store's sink, in batches of
/// <see cref="AuditWorkflow.MaxBatchSize"/> as the audit service hands them over, and prints results per second, CPU (on
/// PostgreSQL also the server's) and peak memory. Outcomes are made on the fly, so memory shows the store, not the input.
/// </summary>
internal static class StoreBenchmark
{
    public static async Task RunAsync(int results, string? postgres)
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "transcripts", "ex2003-healthy-real.txt"));
        var observation = TranscriptParser.Parse(text).Observation;
        var classification = new Classifier(ProfileCatalog.BuiltIn).Classify(observation, ClassificationContext.Default(DateTimeOffset.UnixEpoch));
        var transcript = text.Split('\n').Select((l, i) => new TranscriptLine(TranscriptDirection.Server, l.TrimEnd('\r'), TimeSpan.FromMilliseconds(i))).ToArray();
        var hosts = Enumerable.Range(0, results).Select(i => new InventoryHost
        {
            LineNumber = i + 2,
            Host = string.Create(CultureInfo.InvariantCulture, $"exch{i:D6}.corp.example.com"),
            Profile = ProfileCatalog.DefaultProfileId,
        }).ToList();
        var inventory = new InventoryReadResult { Hosts = [.. hosts] };

        var database = await BenchmarkDatabase.OpenAsync(postgres, null, "store");
        var store = database.Store;
        await store.Maintenance.MigrateAsync(CancellationToken.None);
        var run = new AuditRun
        {
            RunId = $"bench-{results}",
            StartedAt = DateTimeOffset.UnixEpoch,
            InventoryPath = "bench.csv",
            HostCount = results,
            Concurrency = 256,
            Probe = new ProbeOptions { EhloName = "bench.example" },
            ToolVersion = "bench",
        };

        GC.Collect();
        using var process = Process.GetCurrentProcess();
        var peak = 0L;
        var cpuBefore = process.TotalProcessorTime;
        var serverBefore = await database.ServerCpuSecondsAsync();
        var watch = Stopwatch.StartNew();
        await store.Writer.BeginRunAsync(run, inventory, null, CancellationToken.None);
        await using (var sink = store.Writer.OpenResultSink(run.RunId, run.StartedAt))
        {
            var batch = new List<HostOutcome>(AuditWorkflow.MaxBatchSize);
            foreach (var host in hosts)
            {
                var probe = new ProbeResult
                {
                    Host = host.Host,
                    Port = 25,
                    Address = "10.0.0.1",
                    Observation = observation,
                    StartedAt = DateTimeOffset.UnixEpoch,
                    Timings = new ProbeTimings(1, 2, 3, null, 6),
                    Transcript = [.. transcript],
                };
                batch.Add(new HostOutcome(host, probe, classification));
                if (batch.Count == AuditWorkflow.MaxBatchSize)
                {
                    await sink.WriteAsync(batch, CancellationToken.None);
                    batch.Clear();
                    process.Refresh();
                    peak = Math.Max(peak, process.WorkingSet64);
                }
            }

            if (batch.Count > 0)
            {
                await sink.WriteAsync(batch, CancellationToken.None);
            }
        }

        watch.Stop();
        var serverCpu = await database.ServerCpuSecondsAsync() - serverBefore;
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        var size = await database.SizeAsync();
        var server = serverCpu is { } s ? string.Create(CultureInfo.InvariantCulture, $", server {s:0.00} CPU-s") : string.Empty;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"store: {results} results into {database.Where} in {watch.Elapsed.TotalSeconds:0.00} s, {results / watch.Elapsed.TotalSeconds:0} results/s, {cpu:0.00} CPU-s{server}, peak working set {Math.Max(peak, process.WorkingSet64) / 1048576} MiB, database {size / 1048576} MiB ({size / results} bytes per result)"));

        // Read back, streamed: memory must not grow with the run.
        GC.Collect();
        var readPeak = 0L;
        var read = 0;
        var readWatch = Stopwatch.StartNew();
        await foreach (var result in store.History.ReadResultsAsync(run.RunId, CancellationToken.None))
        {
            if (++read % 10_000 == 0)
            {
                process.Refresh();
                readPeak = Math.Max(readPeak, process.WorkingSet64);
            }
        }

        readWatch.Stop();
        process.Refresh();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"store: read back {read} results streamed in {readWatch.Elapsed.TotalSeconds:0.00} s, peak working set while reading {Math.Max(readPeak, process.WorkingSet64) / 1048576} MiB, managed heap {GC.GetTotalMemory(false) / 1048576} MiB"));
        await database.DropAsync();
    }
}
