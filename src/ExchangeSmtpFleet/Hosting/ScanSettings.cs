using ExchangeSmtpFleet.Smtp.Fleet;

namespace ExchangeSmtpFleet.Hosting;

/// <summary>How a fleet is scanned: configuration section <c>Scan</c>, overridden by <c>scan --concurrency</c>.</summary>
internal sealed class ScanSettings : ISettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Scan";

    /// <summary>The most concurrency a scan may ask for.</summary>
    public const int MaxConcurrency = 4096;

    /// <summary>Most hosts probed at the same time (1-4096).</summary>
    public int Concurrency { get; set; } = FleetProber.DefaultConcurrency;

    /// <summary>What is wrong with the values, one line each, naming the setting.</summary>
    public IEnumerable<string> Problems()
    {
        if (Concurrency is < 1 or > MaxConcurrency)
        {
            yield return $"{Section}:{nameof(Concurrency)} must be 1-{MaxConcurrency}, not {Concurrency}";
        }
    }
}
