using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ExchangeSmtpFleet.Simulator;

/// <summary>The simulator's TLS certificate: self-signed on purpose, so probes report it as untrusted.</summary>
internal static class SelfSignedCertificate
{
    public static X509Certificate2 Create(TimeProvider time)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=esfleet-simulator", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("esfleet-simulator");
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        var now = time.GetUtcNow();
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(365));

        // Round-trip through PKCS#12 so that SslStream on every platform gets a certificate with a usable private key.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null);
    }
}
