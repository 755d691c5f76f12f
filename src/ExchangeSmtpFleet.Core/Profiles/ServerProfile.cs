using System.Collections.Frozen;
using System.Collections.Immutable;

namespace ExchangeSmtpFleet.Core.Profiles;

/// <summary>
/// What a host of a kind must advertise. Profiles are data (<c>profiles.json</c>), not code.
/// </summary>
/// <remarks>
/// A class, not a record: the set of known keywords is built once in the constructor, and a record's <c>with</c>
/// would copy it stale.
/// </remarks>
public sealed class ServerProfile
{
    private readonly FrozenSet<string> _known;

    /// <summary>Builds a profile.</summary>
    /// <param name="id">The name the inventory's Profile column uses.</param>
    /// <param name="description">For people.</param>
    /// <param name="families">Families that may answer; empty means any.</param>
    /// <param name="sinkKeywords">Keywords the Exchange event sinks add. When all of them are missing and
    /// <paramref name="baseKeywords"/> are complete, the verdict is MissingSinks; any other gap in a profile
    /// with sink keywords is SuspectedMetabaseCorruption.</param>
    /// <param name="baseKeywords">Further required keywords (for Exchange 2003: the Windows SMTP list from the metabase).</param>
    /// <param name="optionalKeywords">Keywords that may be advertised without being unexpected.</param>
    /// <param name="reportUnexpected">Whether keywords outside the profile are reported as unexpected.</param>
    public ServerProfile(
        string id,
        string description,
        ImmutableArray<string> families,
        ImmutableArray<string> sinkKeywords,
        ImmutableArray<string> baseKeywords,
        ImmutableArray<string> optionalKeywords,
        bool reportUnexpected = true)
    {
        Id = id;
        Description = description;
        Families = families.IsDefault ? [] : families;
        SinkKeywords = sinkKeywords.IsDefault ? [] : sinkKeywords;
        BaseKeywords = baseKeywords.IsDefault ? [] : baseKeywords;
        OptionalKeywords = optionalKeywords.IsDefault ? [] : optionalKeywords;
        ReportUnexpected = reportUnexpected;
        _known = RequiredKeywords.Concat(OptionalKeywords).ToFrozenSet(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The name the inventory's Profile column uses.</summary>
    public string Id { get; }

    /// <summary>For people.</summary>
    public string Description { get; }

    /// <summary>Families that may answer; empty means any.</summary>
    public ImmutableArray<string> Families { get; }

    /// <summary>Keywords the Exchange event sinks add.</summary>
    public ImmutableArray<string> SinkKeywords { get; }

    /// <summary>Further required keywords.</summary>
    public ImmutableArray<string> BaseKeywords { get; }

    /// <summary>Keywords that may be advertised without being unexpected.</summary>
    public ImmutableArray<string> OptionalKeywords { get; }

    /// <summary>Whether keywords outside the profile are reported as unexpected.</summary>
    public bool ReportUnexpected { get; }

    /// <summary>All required keywords: sink keywords, then base keywords.</summary>
    public IEnumerable<string> RequiredKeywords => SinkKeywords.Concat(BaseKeywords);

    /// <summary>True when the profile accepts <paramref name="family"/>.</summary>
    public bool Accepts(string family) => Families.IsDefaultOrEmpty || Families.Contains(family, StringComparer.OrdinalIgnoreCase);

    /// <summary>True when <paramref name="keyword"/> is required or optional here.</summary>
    public bool Knows(string keyword) => _known.Contains(keyword);
}
