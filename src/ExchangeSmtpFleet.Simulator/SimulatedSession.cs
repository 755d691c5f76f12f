using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace ExchangeSmtpFleet.Simulator;

/// <summary>One accepted connection.</summary>
/// <remarks><c>ended</c> is called once when the session is over for the client: just before the 221 to QUIT (so that
/// "sessions open at once" never counts a session whose client has already moved on), or at disposal.</remarks>
internal sealed class SimulatedSession(
    Socket socket, SimulatedEndpoint endpoint, HostScript script, Lazy<X509Certificate2> certificate, TimeProvider time, Action ended)
    : IAsyncDisposable
{
    private Stream _stream = new NetworkStream(socket, ownsSocket: false);
    private bool _tls;
    private int _ended;

    private SimulatedHostDefinition Definition => endpoint.Definition;

    public ValueTask DisposeAsync()
    {
        End();
        return _stream.DisposeAsync();
    }

    private void End()
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            ended();
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var token = cancellationToken;
        switch (endpoint.Fault)
        {
            case SimulatedFault.Close:
                return;
            case SimulatedFault.Silent:
                await DrainAsync(token).ConfigureAwait(false);
                return;
            case SimulatedFault.ServiceNotAvailable:
                await ReplyAsync(["421 4.3.2 Service not available, closing transmission channel"], token).ConfigureAwait(false);
                return;
            case SimulatedFault.NotSmtp:
                await WriteAsync("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n"u8.ToArray(), token).ConfigureAwait(false);
                await DrainAsync(token).ConfigureAwait(false);
                return;
            case SimulatedFault.Garbage:
                var garbage = new byte[4096];
                new Random(endpoint.EndPoint.Port).NextBytes(garbage);
                garbage[0] = 0;
                await WriteAsync(garbage, token).ConfigureAwait(false);
                await DrainAsync(token).ConfigureAwait(false);
                return;
            case SimulatedFault.BareCr:
                await WriteAsync(Encoding.ASCII.GetBytes(string.Concat(script.Greeting.Select(l => l + "\r"))), token).ConfigureAwait(false);
                await DrainAsync(token).ConfigureAwait(false);
                return;
            case SimulatedFault.LongLine:
                await WriteAsync(Encoding.ASCII.GetBytes("220 " + new string('A', 100_000) + "\r\n"), token).ConfigureAwait(false);
                await DrainAsync(token).ConfigureAwait(false);
                return;
            case SimulatedFault.SlowGreeting:
                await Task.Delay(TimeSpan.FromMilliseconds(Definition.GreetingDelayMs), time, token).ConfigureAwait(false);
                break;
        }

        var noService = endpoint.Fault == SimulatedFault.NoService;
        // An early talker's unasked list goes out in the same write as the greeting, as a deliberate one would send it.
        await ReplyAsync(noService ? ["554 5.7.1 No SMTP service here"]
            : endpoint.Fault == SimulatedFault.EarlyTalker ? [.. script.Greeting, .. script.Ehlo] : script.Greeting, token).ConfigureAwait(false);
        var reader = new ClientLineReader(_stream);
        while (await reader.ReadLineAsync(token).ConfigureAwait(false) is { } line)
        {
            var verb = line.Split(' ', 2)[0].ToUpperInvariant();
            if (verb == "QUIT")
            {
                End();
                await ReplyAsync(["221 2.0.0 Service closing transmission channel"], token).ConfigureAwait(false);
                return;
            }

            if (noService)
            {
                await ReplyAsync(["503 5.5.1 Bad sequence of commands"], token).ConfigureAwait(false);
                continue;
            }

            switch (verb)
            {
                case "EHLO":
                    if (!await EhloAsync(token).ConfigureAwait(false))
                    {
                        return;
                    }

                    break;
                case "HELO":
                    await ReplyAsync([endpoint.Fault == SimulatedFault.AllRejected ? "550 5.7.1 Access denied" : $"250 {script.Domain}"], token).ConfigureAwait(false);
                    break;
                case "STARTTLS" when !_tls && script.AdvertisesStartTls: // tls-broken hosts advertise it too (HostScript forces it)
                    if (endpoint.Fault == SimulatedFault.TlsBroken)
                    {
                        // Plaintext in the same write as the 220: what a STARTTLS injection looks like (CVE-2011-0411).
                        await ReplyAsync(["220 2.0.0 SMTP server ready", "this is not a TLS record"], token).ConfigureAwait(false);
                        return;
                    }

                    await ReplyAsync(["220 2.0.0 SMTP server ready"], token).ConfigureAwait(false);

                    var ssl = new SslStream(_stream, leaveInnerStreamOpen: false);
                    await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate.Value }, token).ConfigureAwait(false);
                    _stream = ssl;
                    _tls = true;
                    reader = new ClientLineReader(_stream);
                    break;
                case "STARTTLS":
                    await ReplyAsync(["454 4.7.0 TLS not available"], token).ConfigureAwait(false);
                    break;
                default:
                    await ReplyAsync(["500 5.3.3 Unrecognized command"], token).ConfigureAwait(false);
                    break;
            }
        }
    }

    /// <returns>False when the session ends here.</returns>
    private async Task<bool> EhloAsync(CancellationToken token)
    {
        switch (endpoint.Fault)
        {
            case SimulatedFault.EhloRejected:
                await ReplyAsync(["500 5.5.1 Command unrecognized"], token).ConfigureAwait(false);
                return true;
            case SimulatedFault.AllRejected:
                await ReplyAsync(["550 5.7.1 Access denied"], token).ConfigureAwait(false);
                return true;
            case SimulatedFault.EndlessReply:
                await ReplyAsync([script.Ehlo[0]], token).ConfigureAwait(false);
                for (var i = 0; ; i++)
                {
                    await WriteAsync(Encoding.ASCII.GetBytes($"250-X-ENDLESS-{i}\r\n"), token).ConfigureAwait(false);
                }

            case SimulatedFault.EarlyTalker:
                await ReplyAsync(WithoutExchangeKeywords(script.Ehlo), token).ConfigureAwait(false);
                return true;
            case SimulatedFault.EhloEndsIn421:
                await ReplyAsync([.. script.Ehlo.Take(script.Ehlo.Length - 1).Select(l => l[..3] + "-" + l[4..]), "421 4.3.2 Service shutting down"], token)
                    .ConfigureAwait(false);
                return false;
            case SimulatedFault.CutMidReply:
                var half = script.Ehlo.Take(Math.Max(1, script.Ehlo.Length / 2)).Select(l => l[..3] + "-" + l[4..]);
                await ReplyAsync([.. half], token).ConfigureAwait(false);
                socket.LingerState = new LingerOption(true, 0); // close with RST
                socket.Close();
                return false;
            default:
                await ReplyAsync(_tls ? script.PostTlsEhlo : script.Ehlo, token).ConfigureAwait(false);
                return true;
        }
    }

    /// <summary>The list of an Exchange 2003 whose event sinks are not loaded: the Windows SMTP keywords only.</summary>
    private static string[] WithoutExchangeKeywords(IReadOnlyList<string> ehlo)
    {
        string[] sinks = ["X-EXPS", "X-EXPS=LOGIN", "X-LINK2STATE", "XEXCH50"];
        var kept = ehlo.Where((l, i) => i == 0 || !sinks.Contains(l[4..].Split(' ')[0], StringComparer.OrdinalIgnoreCase)).ToList();
        return [.. kept.Select((l, i) => l[..3] + (i == kept.Count - 1 ? " " : "-") + l[4..])];
    }

    /// <summary>Writes the lines as given (callers pass continuation lines explicitly) after the host's latency.</summary>
    private async Task ReplyAsync(IReadOnlyList<string> lines, CancellationToken token)
    {
        if (Definition.LatencyMs > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(Definition.LatencyMs), time, token).ConfigureAwait(false);
        }

        var bytes = Encoding.ASCII.GetBytes(string.Concat(lines.Select(l => l + "\r\n")));
        await WriteAsync(bytes, token).ConfigureAwait(false);
    }

    private async Task WriteAsync(byte[] bytes, CancellationToken token)
    {
        if (endpoint.Fault != SimulatedFault.OneByteAtATime)
        {
            await _stream.WriteAsync(bytes, token).ConfigureAwait(false);
            return;
        }

        for (var i = 0; i < bytes.Length; i++)
        {
            await _stream.WriteAsync(bytes.AsMemory(i, 1), token).ConfigureAwait(false);
            await Task.Delay(TimeSpan.FromMilliseconds(Definition.ByteDelayMs), time, token).ConfigureAwait(false);
        }
    }

    /// <summary>Reads and discards until the client hangs up (bounded by the client's own deadline).</summary>
    private async Task DrainAsync(CancellationToken token)
    {
        var sink = new byte[1024];
        while (await _stream.ReadAsync(sink, token).ConfigureAwait(false) > 0)
        {
        }
    }
}
