using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

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
    private long[] _sessionsPerHost = [];
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

    /// <summary>Connections each host accepted so far, in fleet order (<see cref="Endpoints"/>): how often each was probed.</summary>
    public long[] SessionsPerHost() => [.. _sessionsPerHost.Select((_, i) => Interlocked.Read(ref _sessionsPerHost[i]))];

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
        _sessionsPerHost = new long[fleet.Hosts.Count];
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
            _acceptLoops.Add(AcceptLoopAsync(listener, endpoint, script, endpoints.Count - 1));
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

    private async Task AcceptLoopAsync(Socket listener, SimulatedEndpoint endpoint, HostScript script, int index)
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
            Interlocked.Increment(ref _sessionsPerHost[index]);
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
}
