using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace ExchangeSmtpFleet.Simulator;

/// <summary>
/// A simulated SMTP fleet on loopback addresses: one listener per host, each replaying a transcript or
/// misbehaving as its fault says. Used in-process by tests and benchmarks and by <c>esfleet simulate</c>.
/// </summary>
public sealed class SmtpSimulator : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Socket> _listeners = [];
    private readonly List<Task> _acceptLoops = [];
    private readonly ConcurrentDictionary<long, Task> _sessions = new();
    private readonly TimeProvider _time;
    private readonly Lazy<X509Certificate2> _certificate;
    private long _sessionCount;
    private int _open;
    private int _maxOpen;

    private SmtpSimulator(TimeProvider time)
    {
        _time = time;
        _certificate = new Lazy<X509Certificate2>(() => SelfSignedCertificate.Create(time));
    }

    /// <summary>The hosts, in fleet order, with their bound ports.</summary>
    public IReadOnlyList<SimulatedEndpoint> Endpoints { get; private set; } = [];

    public SimulatorStatistics Statistics => new(Interlocked.Read(ref _sessionCount), Volatile.Read(ref _open), Volatile.Read(ref _maxOpen));

    /// <summary>Binds every host and starts answering.</summary>
    /// <exception cref="FleetDefinitionException">A transcript cannot be read or replayed, or an address cannot be bound.</exception>
    public static Task<SmtpSimulator> StartAsync(FleetDefinition fleet, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        fleet.Validate();
        var simulator = new SmtpSimulator(time);
        try
        {
            simulator.Bind(fleet);
        }
        catch
        {
            simulator.DisposeListeners();
            throw;
        }

        return Task.FromResult(simulator);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        DisposeListeners();
        try
        {
            await Task.WhenAll(_acceptLoops.Concat(_sessions.Values)).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // stopping
        }

        if (_certificate.IsValueCreated)
        {
            _certificate.Value.Dispose();
        }

        _stopping.Dispose();
    }

    private void Bind(FleetDefinition fleet)
    {
        var scripts = new Dictionary<(string Text, string? Name, bool Tls), HostScript>();
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        var endpoints = new List<SimulatedEndpoint>(fleet.Hosts.Count);
        foreach (var definition in fleet.Hosts)
        {
            if (!SimulatedFaultNames.TryParse(definition.Fault, out var fault))
            {
                throw new FleetDefinitionException($"{definition.Address}:{definition.Port}: unknown fault '{definition.Fault}'");
            }

            var address = IPAddress.Parse(definition.Address);
            var source = $"{definition.Address}:{definition.Port}";
            var text = definition.TranscriptText ?? ReadTranscript(fleet.BaseDirectory, definition.Transcript!, texts, source);
            var key = (text, definition.Name, fault is SimulatedFault.StartTlsSelfSigned or SimulatedFault.TlsBroken);
            if (!scripts.TryGetValue(key, out var script))
            {
                script = HostScript.From(text, definition.Name, key.Item3, source);
                scripts.Add(key, script);
            }

            if (fault == SimulatedFault.Refuse)
            {
                // Nothing listens: the kernel answers with RST. Port 0 cannot be refused meaningfully, so use 9.
                endpoints.Add(new SimulatedEndpoint(new IPEndPoint(address, definition.Port == 0 ? 9 : definition.Port), fault, definition));
                continue;
            }

            var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                listener.Bind(new IPEndPoint(address, definition.Port));
                listener.Listen(1024);
            }
            catch (SocketException e)
            {
                listener.Dispose();
                throw new FleetDefinitionException($"{source}: cannot listen: {e.SocketErrorCode} ({e.Message})", e);
            }

            _listeners.Add(listener);
            var endpoint = new SimulatedEndpoint((IPEndPoint)listener.LocalEndPoint!, fault, definition);
            endpoints.Add(endpoint);
            _acceptLoops.Add(AcceptLoopAsync(listener, endpoint, script));
        }

        Endpoints = endpoints;
    }

    private static string ReadTranscript(string baseDirectory, string file, Dictionary<string, string> cache, string source)
    {
        var path = Path.GetFullPath(Path.Combine(baseDirectory, file));
        if (!cache.TryGetValue(path, out var text))
        {
            try
            {
                text = File.ReadAllText(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new FleetDefinitionException($"{source}: cannot read transcript '{path}': {e.Message}", e);
            }

            cache.Add(path, text);
        }

        return text;
    }

    private async Task AcceptLoopAsync(Socket listener, SimulatedEndpoint endpoint, HostScript script)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            var id = Interlocked.Increment(ref _sessionCount);
            var open = Interlocked.Increment(ref _open);
            for (var max = Volatile.Read(ref _maxOpen); open > max; max = Volatile.Read(ref _maxOpen))
            {
                if (Interlocked.CompareExchange(ref _maxOpen, open, max) == max)
                {
                    break;
                }
            }

            _sessions[id] = Task.Run(async () =>
            {
                try
                {
                    var session = new SimulatedSession(client, endpoint, script, _certificate, _time, () => Interlocked.Decrement(ref _open));
                    await using (session.ConfigureAwait(false))
                    {
                        await session.RunAsync(_stopping.Token).ConfigureAwait(false);
                    }
                }
                catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException
                    or System.Security.Authentication.AuthenticationException)
                {
                    // The probe hung up or the simulator stops: nothing to report.
                }
                finally
                {
                    client.Dispose();
                    _sessions.TryRemove(id, out _);
                }
            });
        }
    }

    private void DisposeListeners()
    {
        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }
    }

    /// <summary>One accepted connection.</summary>
    /// <remarks><c>ended</c> is called once when the session is over for the client: just before the 221 to QUIT (so that
    /// "sessions open at once" never counts a session whose client has already moved on), or at disposal.</remarks>
    private sealed class SimulatedSession(
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
                case SimulatedFault.LongLine:
                    await WriteAsync(Encoding.ASCII.GetBytes("220 " + new string('A', 100_000) + "\r\n"), token).ConfigureAwait(false);
                    await DrainAsync(token).ConfigureAwait(false);
                    return;
                case SimulatedFault.SlowGreeting:
                    await Task.Delay(TimeSpan.FromMilliseconds(Definition.GreetingDelayMs), time, token).ConfigureAwait(false);
                    break;
            }

            var noService = endpoint.Fault == SimulatedFault.NoService;
            await ReplyAsync(noService ? ["554 5.7.1 No SMTP service here"] : script.Greeting, token).ConfigureAwait(false);
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
                        await ReplyAsync(["220 2.0.0 SMTP server ready"], token).ConfigureAwait(false);
                        if (endpoint.Fault == SimulatedFault.TlsBroken)
                        {
                            await WriteAsync("this is not a TLS record\r\n"u8.ToArray(), token).ConfigureAwait(false);
                            return;
                        }

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
}
