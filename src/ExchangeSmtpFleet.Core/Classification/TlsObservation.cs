using System.Collections.Immutable;

namespace ExchangeSmtpFleet.Core.Classification;

/// <summary>The negotiated TLS session and the server certificate as captured (never trusted).</summary>
public sealed record TlsObservation
{
    /// <summary>The negotiated protocol (<c>Tls12</c>, <c>Tls13</c>).</summary>
    public string Protocol { get; init; } = string.Empty;

    /// <summary>The negotiated cipher suite.</summary>
    public string CipherSuite { get; init; } = string.Empty;

    /// <summary>The certificate's subject (text from the network: escape before showing it).</summary>
    public string Subject { get; init; } = string.Empty;

    /// <summary>The certificate's issuer.</summary>
    public string Issuer { get; init; } = string.Empty;

    /// <summary>DNS names and addresses of the subject alternative name extension.</summary>
    public ImmutableArray<string> SubjectAlternativeNames { get; init; } = [];

    /// <summary>Start of the certificate's validity (UTC).</summary>
    public DateTimeOffset NotBefore { get; init; }

    /// <summary>End of the certificate's validity (UTC).</summary>
    public DateTimeOffset NotAfter { get; init; }

    /// <summary>SHA-1 thumbprint, hex, as Windows shows it.</summary>
    public string Thumbprint { get; init; } = string.Empty;

    /// <summary>Chain and name validation errors, empty when the certificate validates.</summary>
    public ImmutableArray<string> ValidationErrors { get; init; } = [];
}
