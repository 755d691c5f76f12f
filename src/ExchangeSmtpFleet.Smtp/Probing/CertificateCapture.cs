using System.Collections.Immutable;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Inventory;

namespace ExchangeSmtpFleet.Smtp.Probing;

/// <summary>
/// The client side of a STARTTLS handshake for an audit: accepts whatever the server presents and records it with
/// every chain and name problem, so that certificate trouble becomes a finding, never a failed probe (SPEC 5).
/// </summary>
internal sealed class CertificateCapture : IDisposable
{
    private const string SubjectAlternativeNameOid = "2.5.29.17";
    private readonly List<string> _errors = [];
    private X509Certificate2? _certificate;

    /// <summary>Handshake options for <paramref name="host"/> (an IP literal sends no SNI).</summary>
    public SslClientAuthenticationOptions OptionsFor(string host) => new()
    {
        TargetHost = HostNameRules.TryParseAddress(host, out _) ? string.Empty : host,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,

        // CA5359 is right for clients that send secrets; this one audits. It sends nothing but EHLO and QUIT
        // through TLS and must see broken certificates to report them as findings (SPEC 5).
#pragma warning disable CA5359
        RemoteCertificateValidationCallback = Capture,
#pragma warning restore CA5359
    };

    /// <summary>The session and certificate after a successful handshake.</summary>
    public TlsObservation Describe(SslStream ssl)
    {
        var certificate = _certificate;
        var sans = ImmutableArray.CreateBuilder<string>();
        if (certificate?.Extensions[SubjectAlternativeNameOid] is X509SubjectAlternativeNameExtension san)
        {
            sans.AddRange(san.EnumerateDnsNames());
            sans.AddRange(san.EnumerateIPAddresses().Select(ip => ip.ToString()));
        }

        return new TlsObservation
        {
            Protocol = ssl.SslProtocol.ToString(),
            CipherSuite = ssl.NegotiatedCipherSuite.ToString(),
            Subject = certificate?.Subject ?? string.Empty,
            Issuer = certificate?.Issuer ?? string.Empty,
            SubjectAlternativeNames = sans.ToImmutable(),
            NotBefore = certificate is null ? default : new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero),
            NotAfter = certificate is null ? default : new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero),
            Thumbprint = certificate?.Thumbprint ?? string.Empty,
            ValidationErrors = [.. _errors.Distinct(StringComparer.Ordinal)],
        };
    }

    public void Dispose() => _certificate?.Dispose();

    private bool Capture(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors policyErrors)
    {
        // Audit, not trust: capture what the server presents and its problems, accept it always.
        _certificate?.Dispose();
        _certificate = certificate is null ? null : new X509Certificate2(certificate);
        if (policyErrors != SslPolicyErrors.None)
        {
            _errors.Add(policyErrors.ToString());
        }

        foreach (var status in chain?.ChainStatus ?? [])
        {
            _errors.Add($"{status.Status}: {status.StatusInformation.Trim()}");
        }

        return true;
    }
}
