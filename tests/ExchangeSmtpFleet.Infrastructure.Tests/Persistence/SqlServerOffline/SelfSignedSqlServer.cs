using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Persistence.SqlServerOffline;

/// <summary>
/// As much of a SQL Server on loopback as SqlClient meets before it checks the server's certificate, which is self-signed
/// as on an on-premises server nobody gave a certificate: with <c>Encrypt=True</c> (TDS 7.4, SqlClient's default) a
/// PRELOGIN answer that requires encryption, then the TLS handshake inside TDS packets; with <c>Encrypt=Strict</c> (TDS 8)
/// the TLS handshake straight away. So what SqlClient reports when it does not trust the certificate can be seen without a
/// SQL Server. It counts the connections it is offered.
/// </summary>
internal sealed class SelfSignedSqlServer : IAsyncDisposable
{
    /// <summary>
    /// A PRELOGIN answer (MS-TDS 2.2.6.5): VERSION 13.0.4001, ENCRYPTION on, INSTOPT, MARS off; the option table (token,
    /// offset, length; offsets from the payload's start) ends with 0xFF.
    /// </summary>
    private static readonly byte[] Prelogin =
    [
        0x00, 0, 21, 0, 6, 0x01, 0, 27, 0, 1, 0x02, 0, 28, 0, 1, 0x04, 0, 29, 0, 1, 0xFF,
        0x0D, 0x00, 0x0F, 0xA1, 0x00, 0x00, 0x01, 0x00, 0x00,
    ];

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly X509Certificate2 _certificate;
    private readonly CancellationTokenSource _stop = new();
    private readonly bool _strict;
    private readonly Task _accepting;
    private int _connections;

    /// <param name="strict">TDS 8 (TLS first, for <c>Encrypt=Strict</c>); otherwise TDS 7.4 (PRELOGIN, then TLS inside it).</param>
    public SelfSignedSqlServer(bool strict)
    {
        _strict = strict;
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=sql01.lab.example", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var now = TimeProvider.System.GetUtcNow();
        using var created = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        _certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Connections => Volatile.Read(ref _connections);

    /// <summary>A connection string to this server in its mode, with a password that must never be shown.</summary>
    public string ConnectionString =>
        $"Server=tcp:127.0.0.1,{Port};Database=esfleet;User Id=esf;Password=Secr3t!word;Encrypt={(_strict ? "Strict" : "True")};Connect Timeout=5";

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _certificate.Dispose();
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            Interlocked.Increment(ref _connections);
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var network = client.GetStream();
                Stream transport = network;
                if (!_strict)
                {
                    var header = new byte[8];
                    await network.ReadExactlyAsync(header, _stop.Token);
                    await network.ReadExactlyAsync(new byte[((header[2] << 8) | header[3]) - 8], _stop.Token);
                    await network.WriteAsync(TdsPacketStream.Packet(0x04, Prelogin), _stop.Token);
                    transport = new TdsPacketStream(network);
                }

                await using var tls = new SslStream(transport);
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificate = _certificate,
                    ApplicationProtocols = _strict ? [new SslApplicationProtocol("tds/8.0")] : null,
                }, _stop.Token);
            }
            catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
            {
                // The client refused the certificate: what the tests are about.
            }
        }
    }
}
