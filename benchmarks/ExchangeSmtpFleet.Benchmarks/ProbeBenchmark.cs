using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Inventory;
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

    public static async Task RunAsync(int hosts, int[] concurrencies, int[] latencies, bool nmap, int memoryPasses)
    {
        Console.WriteLine($"probe benchmark: {hosts} simulated hosts on 127.{FirstOctet}.0.0/16 port {Port}, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        foreach (var latency in latencies)
        {
            await using var simulator = await SimulatorProcess.StartAsync(FleetDefinition.Generate(hosts, FirstOctet, Port, Transcript, latency));
            var inventory = Inventory(hosts);
            await ScanAsync(inventory.Take(Math.Min(500, hosts)).ToList(), 64, latency, warmUp: true); // JIT, thread pool
            foreach (var concurrency in concurrencies)
            {
                await ScanAsync(inventory, concurrency, latency, warmUp: false);
            }

            if (nmap)
            {
                RunNmap(inventory, latency, concurrencies);
            }

            if (latency == 0 && memoryPasses > 1)
            {
                // Memory must not grow with the number of hosts: probe the fleet several times over in one stream.
                var many = Enumerable.Range(0, memoryPasses).SelectMany(_ => inventory).ToList();
                await ScanAsync(many, 256, latency, warmUp: false);
            }
        }
    }

    private static List<InventoryHost> Inventory(int hosts) =>
        [.. FleetDefinition.Generate(hosts, FirstOctet, Port, Transcript).Hosts.Select((h, i) => new InventoryHost
        {
            LineNumber = i + 2,
            Host = h.Address,
            Port = Port,
            Profile = ProfileCatalog.DefaultProfileId,
        })];

    private static async Task ScanAsync(List<InventoryHost> inventory, int concurrency, int latencyMs, bool warmUp)
    {
        var options = new ProbeOptions
        {
            EhloName = "bench.example",
            StartTls = false,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            GreetingTimeout = TimeSpan.FromSeconds(20),
            ReplyTimeout = TimeSpan.FromSeconds(20),
        };
        var prober = new FleetProber(new SmtpProber(options, TimeProvider.System), new Classifier(ProfileCatalog.BuiltIn), TimeProvider.System);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var userBefore = process.UserProcessorTime;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: false);
        var gcBefore = GC.CollectionCount(0);
        using var sampler = new MemorySampler();
        var watch = Stopwatch.StartNew();
        var verdicts = new Dictionary<Verdict, int>();
        await foreach (var outcome in prober.ProbeAsync(inventory, concurrency, null, CancellationToken.None))
        {
            verdicts[outcome.Classification.Verdict] = verdicts.GetValueOrDefault(outcome.Classification.Verdict) + 1;
        }

        watch.Stop();
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        var user = (process.UserProcessorTime - userBefore).TotalSeconds;
        var allocatedMb = (GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore) / 1048576.0;
        var collections = GC.CollectionCount(0) - gcBefore;
        if (warmUp)
        {
            return;
        }

        var ideal = (double)inventory.Count * DelayedRoundTrips * latencyMs / 1000 / concurrency;
        var verdictText = string.Join(", ", verdicts.Select(v => $"{v.Key} {v.Value}"));
        Console.WriteLine(FormattableString.Invariant(
            $"  esfleet  latency {latencyMs,3} ms  concurrency {concurrency,4}  hosts {inventory.Count,6}: {watch.Elapsed.TotalSeconds,6:0.00} s wall, {inventory.Count / watch.Elapsed.TotalSeconds,7:0} hosts/s, {cpu,5:0.00} CPU-s ({cpu * 10_000 / inventory.Count:0.00} per 10k; user {user:0.00}, kernel {cpu - user:0.00}), allocated {allocatedMb:0} MiB in {collections} gen0 GCs, peak working set {sampler.PeakWorkingSet / 1048576.0,5:0} MiB, peak managed heap {sampler.PeakHeap / 1048576.0,4:0} MiB")
            + (latencyMs > 0 ? FormattableString.Invariant($", ideal {ideal:0.0} s ({watch.Elapsed.TotalSeconds / ideal:0.00}x)") : string.Empty)
            + $"  [{verdictText}]");
    }

    private static void RunNmap(List<InventoryHost> inventory, int latencyMs, int[] concurrencies)
    {
        var hostsFile = Path.Combine(Path.GetTempPath(), "esf-bench-nmap-hosts.txt");
        File.WriteAllLines(hostsFile, inventory.Select(h => h.Host));
        var output = Path.Combine(Path.GetTempPath(), "esf-bench-nmap.txt");
        var start = new ProcessStartInfo("bash")
        {
            ArgumentList =
            {
                "-c",
                $"TIMEFORMAT='%R %U %S'; time nmap -Pn -n -p{Port} --script smtp-commands -iL {hostsFile} -oN {output} > /dev/null",
            },
            RedirectStandardError = true,
        };
        using var nmap = Process.Start(start)!;
        var times = nmap.StandardError.ReadToEnd().Trim().Split('\n')[^1].Split(' ');
        nmap.WaitForExit();
        var wall = double.Parse(times[0], CultureInfo.InvariantCulture);
        var cpu = double.Parse(times[1], CultureInfo.InvariantCulture) + double.Parse(times[2], CultureInfo.InvariantCulture);
        var answered = File.ReadLines(output).Count(l => l.Contains("smtp-commands:", StringComparison.Ordinal));
        Console.WriteLine(FormattableString.Invariant(
            $"  nmap     latency {latencyMs,3} ms  default timing       hosts {inventory.Count,6}: {wall,6:0.00} s wall, {inventory.Count / wall,7:0} hosts/s, {cpu,5:0.00} CPU-s ({cpu * 10_000 / inventory.Count:0.00} per 10k), smtp-commands answered for {answered} hosts")
            + (latencyMs > 0 ? FormattableString.Invariant($"; esfleet's ideal at concurrency {concurrencies.Max()} would be {(double)inventory.Count * DelayedRoundTrips * latencyMs / 1000 / concurrencies.Max():0.0} s") : string.Empty));
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
