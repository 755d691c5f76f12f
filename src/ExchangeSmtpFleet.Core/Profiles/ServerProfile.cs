using System.Collections.Frozen;
using System.Collections.Immutable;

namespace ExchangeSmtpFleet.Core.Profiles;

/// <summary>
/// What a host of a kind must advertise. Profiles are data (<c>profiles.json</c>), not code.
/// </summary>
/// <param name="Id">The name the inventory's Profile column uses.</param>
/// <param name="Description">For people.</param>
/// <param name="Families">Families that may answer; empty means any.</param>
/// <param name="SinkKeywords">Keywords the Exchange event sinks add. When all of them are missing and
/// <paramref name="BaseKeywords"/> are complete, the verdict is MissingSinks; any other gap in a profile
/// with sink keywords is SuspectedMetabaseCorruption.</param>
/// <param name="BaseKeywords">Further required keywords (for Exchange 2003: the Windows SMTP list from the metabase).</param>
/// <param name="OptionalKeywords">Keywords that may be advertised without being unexpected.</param>
/// <param name="ReportUnexpected">Whether keywords outside the profile are reported as unexpected.</param>
public sealed record ServerProfile(
    string Id,
    string Description,
    ImmutableArray<string> Families,
    ImmutableArray<string> SinkKeywords,
    ImmutableArray<string> BaseKeywords,
    ImmutableArray<string> OptionalKeywords,
    bool ReportUnexpected = true)
{
    private FrozenSet<string>? _known;

    /// <summary>All required keywords: sink keywords, then base keywords.</summary>
    public IEnumerable<string> RequiredKeywords => SinkKeywords.Concat(BaseKeywords);

    /// <summary>True when the profile accepts <paramref name="family"/>.</summary>
    public bool Accepts(string family) => Families.IsDefaultOrEmpty || Families.Contains(family, StringComparer.OrdinalIgnoreCase);

    /// <summary>True when <paramref name="keyword"/> is required or optional here.</summary>
    public bool Knows(string keyword) =>
        (_known ??= RequiredKeywords.Concat(OptionalKeywords).ToFrozenSet(StringComparer.OrdinalIgnoreCase)).Contains(keyword);
}
