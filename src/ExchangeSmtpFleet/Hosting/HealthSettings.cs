namespace ExchangeSmtpFleet.Hosting;

/// <summary>What <c>/health</c> calls a healthy audit (configuration section <c>Health</c>).</summary>
internal sealed class HealthSettings : ISettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Health";

    /// <summary>
    /// The audit is Degraded when its newest completed run finished longer ago than this many hours: a nightly audit plus two
    /// hours of slack by default, so one late night is noticed the next morning.
    /// </summary>
    public int MaxRunAgeHours { get; set; } = 26;

    /// <summary>What is wrong with the values, one line each, naming the setting.</summary>
    public IEnumerable<string> Problems()
    {
        if (MaxRunAgeHours is < 1 or > 24 * 31)
        {
            yield return $"{Section}:{nameof(MaxRunAgeHours)} must be 1-744 (hours), not {MaxRunAgeHours}";
        }
    }
}
