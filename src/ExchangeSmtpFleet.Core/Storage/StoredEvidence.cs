using System.Collections.Immutable;

namespace ExchangeSmtpFleet.Core.Storage;

/// <summary>What auditors ask for besides the verdict: every other stored field of a host's result, its findings and transcript.</summary>
/// <param name="HostKey">The host's identity (<c>host:port</c>).</param>
/// <param name="FamilyEvidence">What decided the family.</param>
/// <param name="Version">The product version the banner shows.</param>
/// <param name="Greeting">The EHLO greeting line.</param>
/// <param name="Unexpected">Advertised keywords the profile neither requires nor allows.</param>
/// <param name="Tls">The TLS session and certificate as stored (JSON), when STARTTLS succeeded.</param>
/// <param name="Address">The address the session ran against.</param>
/// <param name="Attempts">Connect attempts.</param>
/// <param name="ConnectMs">Milliseconds to connect.</param>
/// <param name="BannerMs">Milliseconds to the complete greeting.</param>
/// <param name="EhloMs">Milliseconds for the EHLO reply.</param>
/// <param name="TlsMs">Milliseconds for the TLS handshake.</param>
/// <param name="TotalMs">Milliseconds for the whole probe.</param>
/// <param name="Findings">The findings as <c>[Severity] Code: message</c>, one each.</param>
/// <param name="Transcript">The session, one line each (null once pruned).</param>
public sealed record StoredEvidence(
    string HostKey,
    string FamilyEvidence,
    string? Version,
    string? Greeting,
    ImmutableArray<string> Unexpected,
    string? Tls,
    string? Address,
    int Attempts,
    double? ConnectMs,
    double? BannerMs,
    double? EhloMs,
    double? TlsMs,
    double TotalMs,
    ImmutableArray<string> Findings,
    string? Transcript);
