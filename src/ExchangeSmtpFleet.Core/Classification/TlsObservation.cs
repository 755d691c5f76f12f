using System.Collections.Immutable;

namespace ExchangeSmtpFleet.Core.Classification;

/// <summary>The negotiated TLS session and the server certificate as captured (never trusted).</summary>
public sealed record TlsObservation
{
    public string Protocol { get; init; } = string.Empty;

    public string CipherSuite { get; init; } = string.Empty;

    public string Subject { get; init; } = string.Empty;

    public string Issuer { get; init; } = string.Empty;

    public ImmutableArray<string> SubjectAlternativeNames { get; init; } = [];

    public DateTimeOffset NotBefore { get; init; }

    public DateTimeOffset NotAfter { get; init; }

    public string Thumbprint { get; init; } = string.Empty;

    /// <summary>Chain and name validation errors, empty when the certificate validates.</summary>
    public ImmutableArray<string> ValidationErrors { get; init; } = [];
}
