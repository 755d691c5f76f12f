using System.Diagnostics.Tracing;

namespace ExchangeSmtpFleet.Benchmarks;

/// <summary>
/// Samples the runtime's GCAllocationTick events (one per ~100 KB allocated, naming the type of the object that
/// crossed the threshold) to show which types dominate allocation. Statistical: types with a share under ~1 %
/// may be missing from a 10,000-host run.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly Dictionary<string, long> _bytesByType = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private bool _enabled;

    public void Start() => _enabled = true;

    public void Stop() => _enabled = false;

    /// <summary>Prints the types with the largest sampled share.</summary>
    public void Print(int top)
    {
        lock (_lock)
        {
            var total = Math.Max(1, _bytesByType.Values.Sum());
            Console.WriteLine($"  allocation samples (GCAllocationTick, ~100 KB each): {total / 1048576.0:0} MiB sampled");
            foreach (var (type, bytes) in _bytesByType.OrderByDescending(p => p.Value).Take(top))
            {
                Console.WriteLine($"    {bytes * 100.0 / total,5:0.0} %  {type}");
            }

            _bytesByType.Clear();
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!_enabled || eventData.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || eventData.Payload is null)
        {
            return;
        }

        var type = eventData.PayloadNames!.IndexOf("TypeName") is var t and >= 0 ? eventData.Payload[t] as string ?? "?" : "?";
        var amount = eventData.PayloadNames.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(eventData.Payload[a], System.Globalization.CultureInfo.InvariantCulture) : 0;
        lock (_lock)
        {
            _bytesByType[type] = _bytesByType.GetValueOrDefault(type) + amount;
        }
    }
}
