using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Mail;

/// <summary>
/// A small SMTP relay on loopback whose behaviour a test scripts: with or without STARTTLS (a self-signed certificate), a
/// QUIT that is never answered, a greeting that never ends or arrives a byte at a time. It keeps every command and message.
/// </summary>
internal sealed class ScriptedRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    /// <summary>Offer STARTTLS (with <see cref="Certificate"/>).</summary>
    public bool StartTls { get; init; }

    /// <summary>Answer QUIT with 221; false: never answer it.</summary>
    public bool AnswerQuit { get; init; } = true;

    /// <summary>Writes the greeting (default: one <c>220</c> line).</summary>
    public Func<Stream, CancellationToken, Task>? Greeting { get; init; }

    public X509Certificate2? Certificate { get; private set; }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Every command received, in order.</summary>
    public ConcurrentQueue<string> Commands { get; } = new();

    /// <summary>The messages received, with whether the session was under TLS.</summary>
    public ConcurrentQueue<(string Data, bool Secure)> Messages { get; } = new();

    public ScriptedRelay Start()
    {
        if (StartTls)
        {
            using var key = RSA.Create(2048);
            var request = new CertificateRequest("CN=relay.test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(TimeProvider.System.GetUtcNow().AddDays(-1), TimeProvider.System.GetUtcNow().AddDays(30));
            Certificate = X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null);
        }

        _listener.Start();
        _loop = Task.Run(AcceptAsync);
        return this;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
        Certificate?.Dispose();
    }

    private async Task AcceptAsync()
    {
        var sessions = new List<Task>();
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                break;
            }

            sessions.Add(Task.Run(async () =>
            {
                using (client)
                {
                    try
                    {
                        await SessionAsync(client.GetStream(), _stop.Token);
                    }
                    catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
                    {
                        // The client went away (as a client that refuses an endless reply does).
                    }
                }
            }));
        }

        await Task.WhenAll(sessions);
    }

    private async Task SessionAsync(Stream stream, CancellationToken cancellationToken)
    {
        if (Greeting is not null)
        {
            await Greeting(stream, cancellationToken);
        }
        else
        {
            await WriteAsync(stream, "220 relay.test ESMTP ready\r\n", cancellationToken);
        }

        var secure = false;
        while (await ReadLineAsync(stream, cancellationToken) is { } line)
        {
            Commands.Enqueue(line);
            var verb = line.Split(' ', 2)[0].ToUpperInvariant();
            switch (verb)
            {
                case "EHLO":
                    await WriteAsync(stream, $"250-relay.test\r\n{(StartTls && !secure ? "250-STARTTLS\r\n" : string.Empty)}250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n", cancellationToken);
                    break;
                case "STARTTLS":
                    await WriteAsync(stream, "220 go ahead\r\n", cancellationToken);
                    var tls = new SslStream(stream);
                    await tls.AuthenticateAsServerAsync(Certificate!);
                    stream = tls;
                    secure = true;
                    break;
                case "AUTH":
                    await WriteAsync(stream, "235 2.7.0 accepted\r\n", cancellationToken);
                    break;
                case "DATA":
                    await WriteAsync(stream, "354 go on\r\n", cancellationToken);
                    var data = new StringBuilder();
                    while (await ReadLineAsync(stream, cancellationToken) is { } body && body != ".")
                    {
                        data.Append(body.StartsWith("..", StringComparison.Ordinal) ? body[1..] : body).Append("\r\n");
                    }

                    Messages.Enqueue((data.ToString(), secure));
                    await WriteAsync(stream, "250 2.6.0 queued\r\n", cancellationToken);
                    break;
                case "QUIT" when AnswerQuit:
                    await WriteAsync(stream, "221 bye\r\n", cancellationToken);
                    return;
                case "QUIT":
                    // Accepted the message, then silence: the connection stays open until the client gives up.
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                    return;
                default:
                    await WriteAsync(stream, "250 ok\r\n", cancellationToken);
                    break;
            }
        }
    }

    public static Task WriteAsync(Stream stream, string text, CancellationToken cancellationToken) =>
        stream.WriteAsync(Encoding.ASCII.GetBytes(text), cancellationToken).AsTask();

    private static async Task<string?> ReadLineAsync(Stream stream, CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (true)
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0)
            {
                return line.Length > 0 ? line.ToString() : null;
            }

            if (one[0] == '\n')
            {
                return line.ToString().TrimEnd('\r');
            }

            line.Append((char)one[0]);
        }
    }
}
