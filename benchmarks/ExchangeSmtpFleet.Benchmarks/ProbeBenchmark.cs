using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Inventory;
using ExchangeSmtpFleet.Core.Probing;
using ExchangeSmtpFleet.Core.Profiles;
using ExchangeSmtpFleet.Simulator;
using ExchangeSmtpFleet.Smtp.Fleet;
using ExchangeSmtpFleet.Smtp.Probing;

namespace ExchangeSmtpFleet.Benchmarks;

/// <summary>
/// Probes a simulated fleet (run by a separate <c>esfleet simulate</c> process) at several concurrencies and
/// latencies, and compares with nmap's smtp-commands script on the same fleet when nmap is installed.
/// Prints hosts/s, CPU seconds of the probing process, peak memory, and the ideal wall time.
/// </summary>
internal static class ProbeBenchmark
{
    // Port 25: nmap's smtp-commands portrule only fires on 25, 465 and 587 (or with service detection).
    private const int Port = 25;
    private const int FirstOctet = 60;

    private const int DelayedRoundTrips = 3;

    private static readonly JsonSerializerOptions WebJson = new(JsonSerializerDefaults.Web);

    // The real Exchange 2003 capture of samples/transcripts (no STARTTLS): greeting, EHLO and QUIT are the delayed round trips.
    private static readonly string Transcript = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "transcripts", "ex2003-healthy-real.txt"));

    public static async Task RunAsync(ProbeBenchmarkSettings settings)
    {
        var hosts = settings.Hosts;
        using var sampler = settings.Allocations ? new AllocationSampler() : null;
        Console.WriteLine($"probe benchmark: {hosts} simulated hosts on 127.{FirstOctet}.0.0/16 port {Port}, {Environment.ProcessorCount} cores, .NET {Environment.Version}, {settings.Repeats} runs per figure at zero latency");
        foreach (var latency in settings.Latencies)
        {
            await using var simulator = await SimulatorProcess.StartAsync(FleetDefinition.Generate(hosts, FirstOctet, Port, Transcript, latency));
            var inventory = Inventory(hosts);
            var repeats = latency == 0 ? settings.Repeats : 1; // with latency, CPU is not a target and runs are long

            // Warm-up: at zero latency one whole pass, so that every measured pass runs tiered-up code (a fresh process's
            // cost is measured separately below); with latency 500 hosts for the thread pool.
            await ScanAsync(latency == 0 ? inventory : inventory.Take(Math.Min(500, hosts)).ToList(), 256, latency, warmUp: true, null);
            var probeCpu = new Dictionary<int, double>();
            foreach (var concurrency in settings.Concurrencies)
            {
                var runs = new List<double>();
                for (var run = 0; run < repeats; run++)
                {
                    runs.Add(await ScanAsync(inventory, concurrency, latency, warmUp: false, sampler));
                }

                probeCpu[concurrency] = Median(runs);
                if (repeats > 1)
                {
                    Console.WriteLine(FormattableString.Invariant($"  esfleet  latency {latency,3} ms  concurrency {concurrency,4}: median {probeCpu[concurrency]:0.00} CPU-s per {hosts} hosts over {repeats} runs"));
                }
            }

            var nmapCpu = settings.Nmap ? Median([.. Enumerable.Range(0, repeats).Select(_ => RunNmap(inventory, latency, settings.Concurrencies))]) : double.NaN;
            if (latency == 0 && settings.EndToEnd)
            {
                // Interleaved (one --no-store, one stored, ...) so that a machine whose load drifts weighs on both alike.
                var pairs = Enumerable.Range(0, repeats).Select(_ => (Plain: RunEsfleetScan(inventory, store: false), Stored: RunEsfleetScan(inventory, store: true))).ToList();
                var endToEnd = Median([.. pairs.Select(p => p.Plain)]);
                var stored = Median([.. pairs.Select(p => p.Stored)]);
                var ratios = pairs.Select(p => p.Stored / p.Plain).Order().ToList();
                Console.WriteLine(FormattableString.Invariant(
                    $"  storing (issue 9): fresh esfleet scan {stored:0.00} CPU-s with the run stored in SQLite against {endToEnd:0.00} with --no-store, {stored / endToEnd:0.00}x (medians of {repeats}); pairs {string.Join(' ', ratios.Select(r => r.ToString("0.00", CultureInfo.InvariantCulture)))}"));
                if (probeCpu.TryGetValue(256, out var stage))
                {
                    Console.WriteLine(FormattableString.Invariant(
                        $"  summary, zero latency, CPU-s per {hosts} hosts (medians): probe stage at concurrency 256 {stage:0.00}, fresh esfleet scan process {endToEnd:0.00}")
                        + (settings.Nmap ? FormattableString.Invariant($", nmap {nmapCpu:0.00}; ratios {stage / nmapCpu:0.00}x and {endToEnd / nmapCpu:0.00}x of nmap") : string.Empty));
                }
            }

            if (latency == 0 && settings.MemoryPasses > 1)
            {
                // Memory must not grow with the number of hosts: probe the fleet several times over in one stream.
                var many = Enumerable.Range(0, settings.MemoryPasses).SelectMany(_ => inventory).ToList();
                await ScanAsync(many, 256, latency, warmUp: false, null);
            }
        }
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[(values.Count / 2) - 1] + values[values.Count / 2]) / 2;
    }

    /// <summary>
    /// A fresh <c>esfleet scan</c> process as an administrator runs it (start-up, JIT, inventory CSV, probing, JSON Lines
    /// flushed per host), timed like nmap: user + sys of the process.
    /// </summary>
    private static double RunEsfleetScan(List<InventoryHost> inventory, bool store)
    {
        var csv = Path.Combine(Path.GetTempPath(), "esf-bench-inventory.csv");
        File.WriteAllLines(csv, ["Host,Port", .. inventory.Select(h => FormattableString.Invariant($"{h.Host},{h.Port}"))]);
        var json = Path.Combine(Path.GetTempPath(), "esf-bench-scan.jsonl");
        var esfleet = Path.Combine(AppContext.BaseDirectory, "esfleet.dll");
        var db = Path.Combine(Path.GetTempPath(), $"esf-bench-{Guid.NewGuid():N}.db");
        var storing = store ? $"--db {db}" : "--no-store";
        var (wall, cpu) = Time($"dotnet {esfleet} scan --inventory {csv} --concurrency 256 --timeout 20 --no-tls {storing} --json {json} > /dev/null");
        foreach (var file in new[] { db, db + "-wal", db + "-shm" }.Where(File.Exists))
        {
            File.Delete(file);
        }

        var healthy = File.ReadLines(json).Count(l => l.Contains("\"verdict\":\"Healthy\"", StringComparison.Ordinal));
        Console.WriteLine(FormattableString.Invariant(
            $"  esfleet scan, fresh process, {(store ? "stored" : "--no-store")}, concurrency 256, hosts {inventory.Count,6}: {wall,6:0.00} s wall, {inventory.Count / wall,7:0} hosts/s, {cpu,5:0.00} CPU-s ({cpu * 10_000 / inventory.Count:0.00} per 10k), {healthy} JSON lines Healthy"));
        return cpu;
    }

    /// <summary>Runs a shell command under bash's <c>time</c>: wall seconds and user + sys CPU seconds.</summary>
    private static (double Wall, double Cpu) Time(string command)
    {
        var start = new ProcessStartInfo("bash") { ArgumentList = { "-c", $"TIMEFORMAT='%R %U %S'; time {command}" }, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var times = process.StandardError.ReadToEnd().Trim().Split('\n')[^1].Split(' ');
        process.WaitForExit();
        var wall = double.Parse(times[0], CultureInfo.InvariantCulture);
        return (wall, double.Parse(times[1], CultureInfo.InvariantCulture) + double.Parse(times[2], CultureInfo.InvariantCulture));
    }

    private static List<InventoryHost> Inventory(int hosts) =>
        [.. FleetDefinition.Generate(hosts, FirstOctet, Port, Transcript).Hosts.Select((h, i) => new InventoryHost
        {
            LineNumber = i + 2,
            Host = h.Address,
            Port = Port,
            Profile = ProfileCatalog.DefaultProfileId,
        })];

    private static async Task<double> ScanAsync(List<InventoryHost> inventory, int concurrency, int latencyMs, bool warmUp, AllocationSampler? allocations)
    {
        var options = new ProbeOptions
        {
            EhloName = "bench.example",
            StartTls = false,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            GreetingTimeout = TimeSpan.FromSeconds(20),
            ReplyTimeout = TimeSpan.FromSeconds(20),
        };
        var prober = new FleetProber(new SmtpProber(options, TimeProvider.System), TimeProvider.System);

        // Judged in the loop, as the audit workflow does with what the engine hands over.
        var classifier = new Classifier(ProfileCatalog.BuiltIn);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var userBefore = process.UserProcessorTime;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: false);
        var gcBefore = GC.CollectionCount(0);
        using var sampler = new MemorySampler();
        allocations?.Start();
        var watch = Stopwatch.StartNew();
        var verdicts = new Dictionary<Verdict, int>();
        await foreach (var probed in prober.ProbeAsync(inventory, concurrency, CancellationToken.None))
        {
            var verdict = classifier.Classify(probed.Probe.Observation, ClassificationContext.Of(probed.Host, TimeProvider.System.GetUtcNow())).Verdict;
            verdicts[verdict] = verdicts.GetValueOrDefault(verdict) + 1;
        }

        watch.Stop();
        allocations?.Stop();
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        var user = (process.UserProcessorTime - userBefore).TotalSeconds;
        var allocatedMb = (GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore) / 1048576.0;
        var collections = GC.CollectionCount(0) - gcBefore;
        if (warmUp)
        {
            return cpu;
        }

        var ideal = (double)inventory.Count * DelayedRoundTrips * latencyMs / 1000 / concurrency;
        var verdictText = string.Join(", ", verdicts.Select(v => $"{v.Key} {v.Value}"));
        Console.WriteLine(FormattableString.Invariant(
            $"  esfleet  latency {latencyMs,3} ms  concurrency {concurrency,4}  hosts {inventory.Count,6}: {watch.Elapsed.TotalSeconds,6:0.00} s wall, {inventory.Count / watch.Elapsed.TotalSeconds,7:0} hosts/s, {cpu,5:0.00} CPU-s ({cpu * 10_000 / inventory.Count:0.00} per 10k; user {user:0.00}, kernel {cpu - user:0.00}), allocated {allocatedMb:0} MiB in {collections} gen0 GCs, peak working set {sampler.PeakWorkingSet / 1048576.0,5:0} MiB, peak managed heap {sampler.PeakHeap / 1048576.0,4:0} MiB")
            + (latencyMs > 0 ? FormattableString.Invariant($", ideal {ideal:0.0} s ({watch.Elapsed.TotalSeconds / ideal:0.00}x)") : string.Empty)
            + $"  [{verdictText}]");
        allocations?.Print(25);
        return cpu;
    }

    private static double RunNmap(List<InventoryHost> inventory, int latencyMs, int[] concurrencies)
    {
        var hostsFile = Path.Combine(Path.GetTempPath(), "esf-bench-nmap-hosts.txt");
        File.WriteAllLines(hostsFile, inventory.Select(h => h.Host));
        var output = Path.Combine(Path.GetTempPath(), "esf-bench-nmap.txt");
        var (wall, cpu) = Time($"nmap -Pn -n -p{Port} --script smtp-commands -iL {hostsFile} -oN {output} > /dev/null");
        var answered = File.ReadLines(output).Count(l => l.Contains("smtp-commands:", StringComparison.Ordinal));
        Console.WriteLine(FormattableString.Invariant(
            $"  nmap     latency {latencyMs,3} ms  default timing       hosts {inventory.Count,6}: {wall,6:0.00} s wall, {inventory.Count / wall,7:0} hosts/s, {cpu,5:0.00} CPU-s ({cpu * 10_000 / inventory.Count:0.00} per 10k), smtp-commands answered for {answered} hosts")
            + (latencyMs > 0 ? FormattableString.Invariant($"; esfleet's ideal at concurrency {concurrencies.Max()} would be {(double)inventory.Count * DelayedRoundTrips * latencyMs / 1000 / concurrencies.Max():0.0} s") : string.Empty));
        return cpu;
    }

    /// <summary>Samples working set and managed heap every 20 ms.</summary>
    private sealed class MemorySampler : IDisposable
    {
        private readonly Timer _timer;

        public MemorySampler() => _timer = new Timer(_ => Sample(), null, 0, 20);

        public long PeakWorkingSet { get; private set; }

        public long PeakHeap { get; private set; }

        public void Dispose()
        {
            _timer.Dispose();
            Sample();
        }

        private void Sample()
        {
            using var process = Process.GetCurrentProcess();
            PeakWorkingSet = Math.Max(PeakWorkingSet, process.WorkingSet64);
            PeakHeap = Math.Max(PeakHeap, GC.GetTotalMemory(false));
        }
    }

    /// <summary><c>esfleet simulate</c> in a child process.</summary>
    private sealed class SimulatorProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly string _fleetFile;

        private SimulatorProcess(Process process, string fleetFile)
        {
            _process = process;
            _fleetFile = fleetFile;
        }

        public static async Task<SimulatorProcess> StartAsync(FleetDefinition fleet)
        {
            var fleetFile = Path.Combine(Path.GetTempPath(), $"esf-bench-fleet-{Environment.ProcessId}.json");
            await File.WriteAllTextAsync(fleetFile, JsonSerializer.Serialize(new { hosts = fleet.Hosts }, WebJson));
            var esfleet = Path.Combine(AppContext.BaseDirectory, "esfleet.dll");
            var start = new ProcessStartInfo("dotnet") { ArgumentList = { esfleet, "simulate", "--fleet", fleetFile }, RedirectStandardOutput = true, RedirectStandardError = true };
            var process = Process.Start(start)!;
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                if (line.StartsWith("ready:", StringComparison.Ordinal))
                {
                    Console.WriteLine($"  simulator: {line}");
                    _ = process.StandardOutput.ReadToEndAsync();
                    _ = process.StandardError.ReadToEndAsync();
                    return new SimulatorProcess(process, fleetFile);
                }
            }

            throw new InvalidOperationException($"the simulator did not start: {await process.StandardError.ReadToEndAsync()}");
        }

        public async ValueTask DisposeAsync()
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            _process.Dispose();
            File.Delete(_fleetFile);
        }
    }
}
