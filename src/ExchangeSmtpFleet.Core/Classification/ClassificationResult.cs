using System.Collections.Immutable;
using ExchangeSmtpFleet.Core.Protocol;

namespace ExchangeSmtpFleet.Core.Classification;

/// <summary>The verdict on one host and all the evidence behind it (SPEC 3).</summary>
public sealed record ClassificationResult
{
    /// <summary>The one verdict of SPEC 3.</summary>
    public required Verdict Verdict { get; init; }

    /// <summary>The machine code that says why.</summary>
    public required Reason Reason { get; init; }

    /// <summary>A <see cref="ServerFamily"/> value.</summary>
    public required string Family { get; init; }

    /// <summary>What decided the family.</summary>
    public string FamilyEvidence { get; init; } = string.Empty;

    /// <summary>The product version the banner shows, if any.</summary>
    public string? Version { get; init; }

    /// <summary>The profile the host was judged against.</summary>
    public required string ProfileId { get; init; }

    /// <summary>The first line of the greeting, without the code.</summary>
    public string? Banner { get; init; }

    /// <summary>The EHLO greeting line (<c>name Hello [ip]</c>).</summary>
    public string? EhloGreeting { get; init; }

    /// <summary>Keywords advertised before TLS (the list the verdict is based on).</summary>
    public ImmutableArray<EhloKeyword> Keywords { get; init; } = [];

    /// <summary>Keywords advertised after STARTTLS, when TLS was negotiated.</summary>
    public ImmutableArray<EhloKeyword> PostTlsKeywords { get; init; } = [];

    /// <summary>Required keywords of the profile that were not advertised.</summary>
    public ImmutableArray<string> Missing { get; init; } = [];

    /// <summary>Advertised keywords the profile neither requires nor allows.</summary>
    public ImmutableArray<string> Unexpected { get; init; } = [];

    /// <summary>Secondary observations; they never change the verdict.</summary>
    public ImmutableArray<Finding> Findings { get; init; } = [];

    /// <summary>The failure detail, when a transport failure decided the verdict.</summary>
    public string? Detail { get; init; }

    /// <summary>The TLS session and certificate, when STARTTLS succeeded.</summary>
    public TlsObservation? Tls { get; init; }
}
