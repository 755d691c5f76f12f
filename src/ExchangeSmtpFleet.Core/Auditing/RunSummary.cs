using System.Collections.Immutable;
using ExchangeSmtpFleet.Core.Classification;

namespace ExchangeSmtpFleet.Core.Auditing;

/// <summary>The figures of a run: hosts per verdict, inventory rows that could not be audited, time taken.</summary>
public sealed record RunSummary
{
    /// <summary>Hosts per verdict, every verdict present (zero when none), in the verdict's order.</summary>
    public required ImmutableArray<KeyValuePair<Verdict, int>> Counts { get; init; }

    /// <summary>Bad inventory rows (skipped, reported).</summary>
    public int InventoryProblems { get; init; }

    /// <summary>Inventory rows with Enabled = false.</summary>
    public int Disabled { get; init; }

    /// <summary>Hosts the inventory asked for (results may be fewer when the run was interrupted).</summary>
    public int Expected { get; init; }

    /// <summary>Wall time of the probing.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>Hosts with a result.</summary>
    public int Total => Counts.Sum(c => c.Value);

    /// <summary>Hosts with <paramref name="verdict"/>.</summary>
    public int Count(Verdict verdict) => Counts.FirstOrDefault(c => c.Key == verdict).Value;

    /// <summary>True when every inventory row was audited and found healthy.</summary>
    public bool AllHealthy => Total == Expected && Count(Verdict.Healthy) == Total && InventoryProblems == 0;

    /// <summary>A summary of <paramref name="counts"/> indexed by the verdict's value.</summary>
    internal static ImmutableArray<KeyValuePair<Verdict, int>> CountsFrom(int[] counts) =>
        [.. Enum.GetValues<Verdict>().Select(v => KeyValuePair.Create(v, counts[(int)v]))];
}
