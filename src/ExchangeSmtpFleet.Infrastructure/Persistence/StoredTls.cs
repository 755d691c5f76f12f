namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>The TLS session and certificate of a result, as the database keeps them (JSON).</summary>
internal sealed record StoredTls(
    string Protocol, string CipherSuite, string Subject, string Issuer, string[] SubjectAlternativeNames,
    DateTimeOffset NotBefore, DateTimeOffset NotAfter, string Thumbprint, string[] ValidationErrors);
