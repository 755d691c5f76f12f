using System.Globalization;
using ExchangeSmtpFleet.Benchmarks;

// Benchmarks print figures; they are not tests and assert nothing about time.
//   inventory [ROWS]                       read and validate a generated inventory
//   classify [COUNT]                       classify the real Exchange 2003 capture COUNT times
//   store [RESULTS] [--postgres CS]        write RESULTS results into a new SQLite (or PostgreSQL) database through the store's sink
//   history [RUNS] [HOSTS] [--keep FILE|NAME] [--postgres CS]
//                                          build RUNS nightly runs of HOSTS hosts (or add to FILE, or the PostgreSQL database NAME)
//                                          and time history, lacking, changes
//   scaleout [HOSTS] [LATENCY] --postgres CS [--workers N]
//                                          a HOSTS-host audit (batches of 100) by serve alone, then by serve and N worker
//                                          processes (default 2) on a new PostgreSQL database: wall time, CPU per process and
//                                          of the server
//   probe [HOSTS] [LATENCIES] [CONCURRENCIES] [--no-nmap] [--no-end-to-end] [--repeats N] [--memory-passes N] [--allocations]
//                                          (--allocations samples allocated types; it slows the runs it samples)
//                                          e.g. probe 10000 0,100 64,256,1024
//   dns [NAMES] [CONCURRENCY] [TIMEOUT] [--blackhole ADDRESS]
//                                          names through the system resolver (a dead one: see DnsBenchmark)
var which = args.Length > 0 ? args[0] : "inventory";
int Int(int index, int fallback) => args.Length > index && int.TryParse(args[index], NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : fallback;
string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && args.Length > i + 1 ? args[i + 1] : null;
int[] List(int index, int[] fallback) => args.Length > index && !args[index].StartsWith('-')
    ? [.. args[index].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))]
    : fallback;

switch (which)
{
    case "inventory":
        InventoryBenchmark.Run(Int(1, 100_000));
        break;
    case "classify":
        ClassifyBenchmark.Run(Int(1, 100_000));
        break;
    case "history":
        await HistoryBenchmark.RunAsync(Int(1, 365), Int(2, 10_000), Option("--keep"), Option("--postgres"));
        break;
    case "store":
        await StoreBenchmark.RunAsync(Int(1, 10_000), Option("--postgres"));
        break;
    case "probe":
        // Measure what esfleet probe/scan ship with (DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0 to compare).
        ExchangeSmtpFleet.Smtp.Probing.SocketEngineTuning.PreferInlineCompletions();
        var passes = Array.IndexOf(args, "--memory-passes") is var p and >= 0 ? Int(p + 1, 10) : 10;
        var repeats = Array.IndexOf(args, "--repeats") is var r and >= 0 ? Int(r + 1, 3) : 3;
        await ProbeBenchmark.RunAsync(new ProbeBenchmarkSettings(
            Int(1, 10_000), List(3, [64, 256, 1024]), List(2, [0, 100]),
            Nmap: !args.Contains("--no-nmap") && File.Exists("/usr/bin/nmap"),
            EndToEnd: !args.Contains("--no-end-to-end"),
            MemoryPasses: passes,
            Repeats: Math.Max(1, repeats),
            Allocations: args.Contains("--allocations")));
        break;
    case "scaleout":
        if (Option("--postgres") is not { } postgres)
        {
            Console.Error.WriteLine("scaleout needs --postgres CONNECTION (a role that may create databases)");
            return 2;
        }

        await ScaleOutBenchmark.RunAsync(Int(1, 2_000), Int(2, 0), postgres, Option("--workers") is { } w ? int.Parse(w, CultureInfo.InvariantCulture) : 2);
        break;
    case "dns":
        await DnsBenchmark.RunAsync(Int(1, 40), Int(2, 40), Int(3, 3), Array.IndexOf(args, "--blackhole") is var b and >= 0 && args.Length > b + 1 ? args[b + 1] : null);
        break;
    default:
        Console.Error.WriteLine($"unknown benchmark '{which}': inventory, classify, store, history, probe, dns or scaleout");
        return 2;
}

return 0;
