using System.Diagnostics;
using System.Globalization;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Inventory;
using ExchangeSmtpFleet.Core.Probing;
using ExchangeSmtpFleet.Core.Profiles;
using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Core.Transcripts;

namespace ExchangeSmtpFleet.Benchmarks;

/// <summary>
/// Builds a database of RUNS nightly runs of HOSTS hosts through the store's sink (real keyword lists; about 3 % of the
/// hosts change verdict each night; no transcripts, as after <c>db prune</c>) and times the history reads on it: SQLite, or
/// with <c>--postgres</c> PostgreSQL (<c>--keep NAME</c> then names the database to build on and keep).
/// </summary>
internal static class HistoryBenchmark
{
    public static async Task RunAsync(int runs, int hosts, string? keep, string? postgres)
    {
        var healthyText = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "transcripts", "ex2003-healthy-real.txt"));
        var healthy = TranscriptParser.Parse(healthyText).Observation;
        var sick = TranscriptParser.Parse(string.Join('\n', healthyText.Split('\n').Where(l => !l.Contains("XEXCH50", StringComparison.Ordinal)))).Observation;
        var classifier = new Classifier(ProfileCatalog.BuiltIn);
        var verdicts = new[] { healthy, sick }.Select(o => classifier.Classify(o, ClassificationContext.Default(DateTimeOffset.UnixEpoch))).ToArray();
        var inventory = new InventoryReadResult
        {
            Hosts = [.. Enumerable.Range(0, hosts).Select(i => new InventoryHost
            {
                LineNumber = i + 2, Host = string.Create(CultureInfo.InvariantCulture, $"exch{i:D6}.corp.example.com"), Name = $"EXCH{i:D6}",
                Profile = ProfileCatalog.DefaultProfileId,
            })],
        };

        var database = await BenchmarkDatabase.OpenAsync(postgres, keep, "history");
        var store = database.Store;
        await store.Maintenance.MigrateAsync(CancellationToken.None);
        var existing = (await store.History.ListRunsAsync(runs, CancellationToken.None)).Count;
        var build = Stopwatch.StartNew();
        var start = new DateTimeOffset(2025, 11, 30, 2, 0, 0, TimeSpan.Zero);
        for (var night = existing; night < runs; night++)
        {
            var at = start.AddDays(night);
            var run = new AuditRun
            {
                RunId = string.Create(CultureInfo.InvariantCulture, $"scan-{at:yyyyMMdd'T'HHmmss'Z'}-{night:x6}"),
                StartedAt = at,
                InventoryPath = "bench.csv",
                HostCount = hosts,
                Concurrency = 256,
                Probe = new ProbeOptions { EhloName = "bench.example" },
                ToolVersion = "bench",
            };
            await store.Writer.BeginRunAsync(run, inventory, null, CancellationToken.None);
            await using (var sink = store.Writer.OpenResultSink(run.RunId, run.StartedAt))
            {
                var batch = new List<HostOutcome>(AuditWorkflow.MaxBatchSize);
                for (var i = 0; i < hosts; i++)
                {
                    // A host is sick on the nights of its own 30-night cycle that fall in a 10-night window: about a third
                    // of the time for 10 % of the hosts, so streaks start and end every night.
                    var sickTonight = i % 10 == 0 && ((night + i) % 30) < 10;
                    var observation = sickTonight ? sick : healthy;
                    var probe = new ProbeResult
                    {
                        Host = inventory.Hosts[i].Host,
                        Port = 25,
                        Observation = observation,
                        StartedAt = at,
                        Timings = new ProbeTimings(1, 2, 3, null, 6),
                    };
                    batch.Add(new HostOutcome(inventory.Hosts[i], probe, verdicts[sickTonight ? 1 : 0]));
                    if (batch.Count == AuditWorkflow.MaxBatchSize || i == hosts - 1)
                    {
                        await sink.WriteAsync(batch, CancellationToken.None);
                        batch.Clear();
                    }
                }
            }

            await store.Writer.FinishRunAsync(run.RunId, AuditRunStatus.Completed, at.AddMinutes(2), CancellationToken.None);
        }

        build.Stop();
        var size = await database.SizeAsync();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"history: database of {runs} runs x {hosts} hosts ({(long)runs * hosts} results), built in {build.Elapsed.TotalSeconds:0} s ({runs - existing} new runs), {size / 1048576} MiB: {database.Where}"));

        var latest = (await store.History.FindRunAsync("latest", CancellationToken.None))!;
        await Time("history of one host (365 lines)", () => store.History.HistoryAsync(inventory.Hosts[hosts / 2].Key, 400, CancellationToken.None));
        await Time("lacking XEXCH50 in the latest run", () => store.History.LackingAsync(latest.RunId, "XEXCH50", CancellationToken.None));
        await Time("changes of the latest run against the one before", () => store.History.ChangesAsync(latest.RunId, null, CancellationToken.None));
        await Time("runs, the newest 20 with counts", () => store.History.ListRunsAsync(20, CancellationToken.None));
        await database.DropAsync();
    }

    private static async Task Time<T>(string what, Func<Task<T>> read)
    {
        await read(); // warm: JIT, the page cache
        var times = new List<double>();
        object? last = null;
        for (var i = 0; i < 5; i++)
        {
            var watch = Stopwatch.StartNew();
            last = await read();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        var count = last switch
        {
            System.Collections.ICollection c => c.Count,
            RunChanges changes => changes.Changes.Length,
            _ => 0,
        };
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {what}: median {times[2]:0.0} ms (min {times[0]:0.0}, max {times[^1]:0.0}), {count} rows"));
    }
}
