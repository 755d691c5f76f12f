using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MimeKit;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace ExchangeSmtpFleet.Tests.Cli;

/// <summary>A real SMTP relay on loopback (the SmtpServer package) that keeps what it receives.</summary>
internal sealed class TestRelay : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;

    private TestRelay(IPEndPoint endpoint, X509Certificate2? certificate, Func<string, bool> accepts, (string User, string Password)? login)
    {
        Endpoint = endpoint;
        Certificate = certificate;
        var options = new SmtpServerOptionsBuilder()
            .ServerName("relay.test")
            .Endpoint(b =>
            {
                b.Endpoint(endpoint).IsSecure(false).AllowUnsecureAuthentication(false).AuthenticationRequired(login is not null);
                if (certificate is not null)
                {
                    b.Certificate(certificate);
                }
            })
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(this));
        services.Add(new Filter(accepts));
        if (login is { } expected)
        {
            services.Add(new Authenticator(expected.User, expected.Password));
        }

        _running = new SmtpServer.SmtpServer(options, services).StartAsync(_stop.Token);
    }

    public IPEndPoint Endpoint { get; }

    public X509Certificate2? Certificate { get; }

    /// <summary>The messages received, with their envelope recipients and whether the session was under TLS.</summary>
    public ConcurrentQueue<(MimeMessage Message, IReadOnlyList<string> Recipients, bool Secure)> Received { get; } = new();

    /// <summary>Starts a relay; <paramref name="accepts"/> says which recipients it takes.</summary>
    public static async Task<TestRelay> StartAsync(IPEndPoint endpoint, bool startTls, Func<string, bool>? accepts = null, (string User, string Password)? login = null)
    {
        var relay = new TestRelay(endpoint, startTls ? CreateCertificate() : null, accepts ?? (_ => true), login);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(endpoint, TestContext.Current.CancellationToken);
                return relay;
            }
            catch (SocketException) when (attempt < 50)
            {
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
        Certificate?.Dispose();
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=relay.test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(TimeProvider.System.GetUtcNow().AddDays(-1), TimeProvider.System.GetUtcNow().AddDays(30));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null);
    }

    private sealed class Store(TestRelay relay) : MessageStore
    {
        public override Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            relay.Received.Enqueue((MimeMessage.Load(stream, cancellationToken), [.. transaction.To.Select(m => m.AsAddress())], context.Pipe.IsSecure));
            return Task.FromResult(SmtpResponse.Ok);
        }
    }

    private sealed class Filter(Func<string, bool> accepts) : IMailboxFilter
    {
        public Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken) => Task.FromResult(true);

        public Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken) => Task.FromResult(accepts(to.AsAddress()));
    }

    private sealed class Authenticator(string user, string password) : IUserAuthenticator
    {
        public Task<bool> AuthenticateAsync(ISessionContext context, string user1, string password1, CancellationToken cancellationToken) =>
            Task.FromResult(user1 == user && password1 == password);
    }
}
