namespace ExchangeSmtpFleet.Benchmarks;

/// <summary>What the probe benchmark runs.</summary>
/// <param name="Hosts">Simulated hosts.</param>
/// <param name="Concurrencies">Each is measured in turn.</param>
/// <param name="Latencies">Milliseconds the simulator waits before each reply; each gets its own simulated fleet.</param>
/// <param name="Nmap">Compare with nmap's smtp-commands script on the same fleet.</param>
/// <param name="EndToEnd">Also time fresh <c>esfleet scan</c> processes at zero latency.</param>
/// <param name="MemoryPasses">Probe the fleet this many times in one stream to show memory does not grow.</param>
/// <param name="Repeats">Runs per figure at zero latency; the median is reported.</param>
/// <param name="Allocations">Sample allocated types (slows the sampled runs).</param>
internal sealed record ProbeBenchmarkSettings(
    int Hosts, int[] Concurrencies, int[] Latencies, bool Nmap, bool EndToEnd, int MemoryPasses, int Repeats, bool Allocations);
