using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Inventory;
using ExchangeSmtpFleet.Core.Knowledge;
using ExchangeSmtpFleet.Core.Probing;
using ExchangeSmtpFleet.Core.Protocol;

namespace ExchangeSmtpFleet.Smtp.Probing;

/// <summary>
/// Probes one host: resolve, connect, greeting, EHLO (HELO fallback), STARTTLS and EHLO again when
/// advertised, QUIT. Non-intrusive: nothing but EHLO, HELO, STARTTLS and QUIT is ever sent, never before
/// the greeting is complete, never pipelined. Every failure becomes data in the result; only the caller's
/// cancellation escapes, as <see cref="OperationCanceledException"/>.
/// </summary>
public sealed class SmtpProber : IHostProber
{
    private static readonly Lazy<string> LocalName = new(LookUpLocalName);
    private readonly ProbeOptions _options;
    private readonly TimeProvider _time;
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _resolve;

    /// <summary>
    /// Creates a prober; an options' EHLO name of null becomes this machine's name (looked up once per process). Names are
    /// resolved by the system resolver on the process's <see cref="ResolverThreads"/>, never on the thread pool: a dead
    /// resolver must not starve the process (issue 18, item 14).
    /// </summary>
    public SmtpProber(ProbeOptions options, TimeProvider time)
        : this(options, time, ResolverThreads.Shared.ResolveAsync)
    {
    }

    /// <summary>A prober with its own name resolution (tests: a resolver that never answers).</summary>
    internal SmtpProber(ProbeOptions options, TimeProvider time, Func<string, CancellationToken, Task<IPAddress[]>> resolve)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Validated() with { EhloName = options.EhloName ?? LocalName.Value };
        _time = time;
        _resolve = resolve;
    }

    /// <inheritdoc/>
    public ProbeOptions Options => _options;

    /// <inheritdoc/>
    public async Task<ProbeResult> ProbeAsync(string host, int port, Action<TranscriptLine>? onLine, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        using var session = new Session(this, host, port, onLine, cancellationToken);
        await session.RunAsync().ConfigureAwait(false);
        return session.ToResult();
    }

    /// <summary>The state of one dialogue.</summary>
    private sealed class Session(SmtpProber owner, string host, int port, Action<TranscriptLine>? onLine, CancellationToken callerToken)
        : IDisposable
    {
        private readonly TranscriptRecorder _transcript = new(owner._time, onLine);
        private readonly ReplyAccumulator _accumulator = new(owner._options.Limits);
        private readonly DateTimeOffset _startedAt = owner._time.GetUtcNow();
        private SmtpObservation _observation = new();
        private double? _connectMs;
        private double? _bannerMs;
        private double? _ehloMs;
        private double? _tlsMs;
        private string? _address;
        private int _attempts;

        // One deadline for the host, one phase timer re-armed per phase, one token linking them with the caller's:
        // three sources per probe instead of two per phase (timers dominate the probe's own allocations).
        private CancellationTokenSource? _deadline;
        private CancellationTokenSource? _phaseTimer;
        private CancellationTokenSource? _linked;

        private ProbeOptions Options => owner._options;

        private TimeProvider Time => owner._time;

        public async Task RunAsync()
        {
            _deadline = new CancellationTokenSource(Options.HostDeadline, Time);
            ArmPhaseTimer();
            Socket? socket = null;
            Stream? stream = null;
            try
            {
                socket = await ConnectWithRetryAsync().ConfigureAwait(false);
                stream = new NetworkStream(socket, ownsSocket: true);
                socket = null;
                stream = await DialogueAsync(stream).ConfigureAwait(false);
            }
            catch (ProbeAbortException abort)
            {
                _observation = _observation with { Failure = new ProbeFailure(abort.Reason, abort.Message) };
                Note(Label.NoteAborted, abort.Reason, abort.Message);
            }
            finally
            {
                socket?.Dispose();
                if (stream is not null)
                {
                    await stream.DisposeAsync().ConfigureAwait(false);
                }
            }
        }

        public void Dispose()
        {
            _linked?.Dispose();
            _phaseTimer?.Dispose();
            _deadline?.Dispose();
        }

        public ProbeResult ToResult() => new()
        {
            Host = host,
            Port = port,
            Address = _address,
            Observation = _observation,
            Timings = new ProbeTimings(_connectMs, _bannerMs, _ehloMs, _tlsMs, _transcript.Elapsed.TotalMilliseconds),
            Transcript = _transcript.ToImmutable(),
            Attempts = Math.Max(1, _attempts),
            StartedAt = _startedAt,
        };

        /// <returns>The stream in use at the end (the TLS stream after STARTTLS), for disposal.</returns>
        private async Task<Stream> DialogueAsync(Stream stream)
        {
            using var reader = new SmtpLineReader(stream, Options.Limits.MaxLineLength, Options.MaxSessionBytes);

            // 1. Greeting; never send before it is complete (postscreen punishes early talkers).
            var bannerStart = Time.GetTimestamp();
            var greeting = await ReadReplyAsync(reader, Options.GreetingTimeout, Reason.GreetingTimeout, "greeting").ConfigureAwait(false);
            _bannerMs = Time.GetElapsedTime(bannerStart).TotalMilliseconds;
            _observation = _observation with { Greeting = greeting, GreetingTime = Time.GetElapsedTime(bannerStart) };
            if (greeting.Code == 421)
            {
                return stream; // RFC 5321 3.8: the server closes; nothing more to say.
            }

            if (greeting.Code != 220)
            {
                await QuitAsync(stream, reader).ConfigureAwait(false); // RFC 5321 3.1: after 554 the server waits for QUIT.
                return stream;
            }

            // Anything the server sent after its greeting and before our EHLO is not the EHLO reply (a server could show
            // a healthy list early and answer the real EHLO with another): recorded, reported, never judged.
            var early = await reader.TakeUnsolicitedAsync(_linked!.Token).ConfigureAwait(false);
            if (early.Count > 0)
            {
                foreach (var line in early)
                {
                    _transcript.Server(line);
                }

                Note(Label.NoteEarlyLines, early.Count.ToString(CultureInfo.InvariantCulture));
                _observation = _observation with { UnsolicitedLines = [.. early.Take(20).Select(TranscriptText.Escape)], UnsolicitedLineCount = early.Count };
            }

            // 2. EHLO, HELO when EHLO is refused (RFC 5321 4.1.4).
            var ehloStart = Time.GetTimestamp();
            var ehlo = await CommandAsync(stream, reader, $"EHLO {Options.EhloName}", "EHLO").ConfigureAwait(false);
            _ehloMs = Time.GetElapsedTime(ehloStart).TotalMilliseconds;
            _observation = _observation with { EhloReply = ehlo };
            if (ehlo.Code == 421)
            {
                return stream;
            }

            if (SmtpCodes.IsEhloUnacceptable(ehlo.Code))
            {
                var helo = await CommandAsync(stream, reader, $"HELO {Options.EhloName}", "HELO").ConfigureAwait(false);
                _observation = _observation with { HeloReply = helo };
                if (helo.Code != 421)
                {
                    await QuitAsync(stream, reader).ConfigureAwait(false);
                }

                return stream;
            }

            // 3. STARTTLS when advertised (RFC 3207), then EHLO again: the list may differ.
            if (ehlo.IsPositive && Options.StartTls && AdvertisesStartTls(ehlo))
            {
                var upgraded = await StartTlsAsync(stream, reader).ConfigureAwait(false);
                if (upgraded is null)
                {
                    return stream;
                }

                stream = upgraded;
            }

            await QuitAsync(stream, reader).ConfigureAwait(false);
            return stream;
        }

        /// <returns>The TLS stream, or null when the session cannot go on.</returns>
        private async Task<Stream?> StartTlsAsync(Stream stream, SmtpLineReader reader)
        {
            var reply = await CommandAsync(stream, reader, "STARTTLS", "STARTTLS").ConfigureAwait(false);
            _observation = _observation with { StartTlsReply = reply };
            if (reply.Code != 220)
            {
                _observation = _observation with { TlsError = $"STARTTLS refused: {reply.Code} {reply.FirstLine}" };
                if (reply.Code != 421)
                {
                    await QuitAsync(stream, reader).ConfigureAwait(false);
                }

                return null;
            }

            string? injected = null;
            if (reader.Buffered > 0)
            {
                // Plaintext after the 220 would be read as if it came through TLS (CVE-2011-0411 style injection). Kept as
                // evidence in the transcript and in the finding, whatever the handshake does next.
                var bytes = reader.Buffered;
                foreach (var line in await reader.TakeUnsolicitedAsync(CancellationToken.None).ConfigureAwait(false))
                {
                    _transcript.Server(line);
                }

                injected = $"server sent {Plural.Of(bytes, "byte")} after its STARTTLS 220; dropped";
                Note(Label.NoteInjected, bytes.ToString(CultureInfo.InvariantCulture));
                _observation = _observation with { TlsError = injected };
            }

            string Failed(string what) => injected is null ? what : $"{injected}; {what}";

            var tlsStart = Time.GetTimestamp();
            using var capture = new CertificateCapture();
            var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
            var options = capture.OptionsFor(host);
            Note(Label.NoteTlsHandshake);
            try
            {
                await WithTimeoutAsync(t => ssl.AuthenticateAsClientAsync(options, t), Options.ReplyTimeout, Reason.ReplyTimeout)
                    .ConfigureAwait(false);
            }
            catch (Exception e) when (e is AuthenticationException or IOException or System.ComponentModel.Win32Exception)
            {
                _observation = _observation with { TlsError = Failed($"TLS handshake failed: {e.Message}") };
                Note(Label.NoteTlsFailed, e.Message);
                await ssl.DisposeAsync().ConfigureAwait(false);
                return null;
            }
            catch (ProbeAbortException abort)
            {
                _observation = _observation with { TlsError = Failed($"TLS handshake: {abort.Message}") };
                Note(Label.NoteTlsStopped, abort.Message);
                await ssl.DisposeAsync().ConfigureAwait(false);
                return null;
            }

            _tlsMs = Time.GetElapsedTime(tlsStart).TotalMilliseconds;
            _observation = _observation with { Tls = capture.Describe(ssl) };
            Note(Label.NoteTlsEstablished, ssl.SslProtocol.ToString(), ssl.NegotiatedCipherSuite.ToString(), TranscriptText.Escape(_observation.Tls!.Subject));
            reader.ReplaceStream(ssl);

            // RFC 3207 4.2: discard the pre-TLS list and send EHLO first.
            try
            {
                var post = await CommandAsync(ssl, reader, $"EHLO {Options.EhloName}", "post-TLS EHLO").ConfigureAwait(false);
                _observation = _observation with { PostTlsEhloReply = post };
                return ssl;
            }
            catch
            {
                await ssl.DisposeAsync().ConfigureAwait(false); // the caller never received it
                throw;
            }
        }

        /// <summary>True when a keyword line (never the greeting line) is STARTTLS.</summary>
        private static bool AdvertisesStartTls(SmtpReply ehlo)
        {
            for (var i = 1; i < ehlo.Lines.Length; i++)
            {
                if (ehlo.Lines[i].AsSpan().Trim().Equals("STARTTLS", StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return false;
        }

        private async Task QuitAsync(Stream stream, SmtpLineReader reader)
        {
            try
            {
                await ExchangeAsync(stream, reader, "QUIT", "QUIT", Options.QuitTimeout).ConfigureAwait(false);
            }
            catch (ProbeAbortException abort)
            {
                // The verdict is already decided; a server that drops the line at QUIT is only noted.
                Note(Label.NoteQuit, abort.Message);
            }
        }

        private Task<SmtpReply> CommandAsync(Stream stream, SmtpLineReader reader, string command, string step) =>
            WithEvidenceAsync(ExchangeAsync(stream, reader, command, step, Options.ReplyTimeout), reader, step);

        /// <summary>Sends one command and reads its whole reply, both under one reply time-out.</summary>
        private Task<SmtpReply> ExchangeAsync(Stream stream, SmtpLineReader reader, string command, string step, TimeSpan timeout) =>
            WithTimeoutAsync(async t =>
            {
                _transcript.Client(command);
                try
                {
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"), t).ConfigureAwait(false);
                }
                catch (IOException e) when (!t.IsCancellationRequested)
                {
                    throw new ProbeAbortException(Reason.ConnectionClosed, $"sending {command.Split(' ')[0]}: {Describe(e)}");
                }

                return await ReadReplyCoreAsync(reader, step, t).ConfigureAwait(false);
            }, timeout, Reason.ReplyTimeout);

        private Task<SmtpReply> ReadReplyAsync(SmtpLineReader reader, TimeSpan timeout, Reason timeoutReason, string step) =>
            WithEvidenceAsync(WithTimeoutAsync(t => ReadReplyCoreAsync(reader, step, t), timeout, timeoutReason), reader, step);

        /// <summary>
        /// A reply that timed out with bytes received but no line end keeps those bytes as evidence; lines ended by a bare
        /// CR (RFC 5321 2.3.8 requires CRLF) are a protocol error, not a time-out.
        /// </summary>
        private async Task<SmtpReply> WithEvidenceAsync(Task<SmtpReply> reading, SmtpLineReader reader, string step)
        {
            try
            {
                return await reading.ConfigureAwait(false);
            }
            catch (ProbeAbortException abort) when (abort.Reason is Reason.GreetingTimeout or Reason.ReplyTimeout or Reason.DeadlineExceeded
                && reader.Buffered > 0)
            {
                var bytes = reader.Buffered;
                var partial = reader.PartialLine;
                _transcript.Server(partial);
                if (partial.Contains('\r', StringComparison.Ordinal))
                {
                    throw new ProbeAbortException(Reason.NotSmtp,
                        $"{step}: lines end in a bare CR instead of CRLF (RFC 5321 2.3.8): {TranscriptText.Escape(partial)}");
                }

                throw new ProbeAbortException(abort.Reason, $"{abort.Message}; {Plural.Of(bytes, "byte")} arrived without a line end");
            }
        }

        private async Task<SmtpReply> ReadReplyCoreAsync(SmtpLineReader reader, string step, CancellationToken token)
        {
            var accumulator = _accumulator;
            accumulator.Reset(); // a reply an earlier phase abandoned half-read must not leak into this one
            while (true)
            {
                (LineReadStatus Status, string? Line) read;
                try
                {
                    read = await reader.ReadLineAsync(token).ConfigureAwait(false);
                }
                catch (IOException e) when (!token.IsCancellationRequested)
                {
                    throw new ProbeAbortException(Reason.ConnectionClosed, $"{step}: {Describe(e)} after {Plural.Of(accumulator.Count, "line")}");
                }

                switch (read.Status)
                {
                    case LineReadStatus.Closed:
                        throw new ProbeAbortException(Reason.ConnectionClosed,
                            $"{step}: connection closed by the server after {Plural.Of(accumulator.Count, "line")} of the reply");
                    case LineReadStatus.LineTooLong:
                        throw new ProbeAbortException(Reason.LineTooLong, $"{step}: line longer than {Options.Limits.MaxLineLength} characters");
                    case LineReadStatus.SessionTooLong:
                        throw new ProbeAbortException(Reason.SessionTooLong, $"{step}: server sent more than {Options.MaxSessionBytes} bytes");
                    case LineReadStatus.NotSmtp:
                        throw new ProbeAbortException(Reason.NotSmtp, $"{step}: not an SMTP reply: {TranscriptText.Escape(reader.PartialLine)}");
                }

                _transcript.Server(read.Line!);
                var stepResult = accumulator.Add(read.Line);
                if (stepResult.IsComplete)
                {
                    return stepResult.Reply!.Value;
                }

                if (stepResult.IsError)
                {
                    throw stepResult.Error switch
                    {
                        ReplyError.ReplyTooLong => new ProbeAbortException(Reason.ReplyTooLong,
                            $"{step}: reply longer than {Options.Limits.MaxLinesPerReply} lines"),
                        ReplyError.LineTooLong => new ProbeAbortException(Reason.LineTooLong, $"{step}: line too long"),
                        _ => new ProbeAbortException(Reason.NotSmtp, $"{step}: not an SMTP reply: {TranscriptText.Escape(read.Line!)}"),
                    };
                }
            }
        }

        private async Task<Socket> ConnectWithRetryAsync()
        {
            var addresses = await WithTimeoutAsync(ResolveAsync, Options.ConnectTimeout, Reason.DnsFailure).ConfigureAwait(false);
            for (var attempt = 0; ; attempt++)
            {
                _attempts = attempt + 1;
                var start = Time.GetTimestamp();
                try
                {
                    var socket = await WithTimeoutAsync(t => ConnectOnceAsync(addresses, t), Options.ConnectTimeout, Reason.ConnectTimeout)
                        .ConfigureAwait(false);
                    _connectMs = Time.GetElapsedTime(start).TotalMilliseconds;
                    return socket;
                }
                catch (ProbeAbortException abort) when (attempt < Options.ConnectRetries && IsTransient(abort.Reason))
                {
                    Note(Label.NoteConnectRetry, abort.Reason, (attempt + 1).ToString(CultureInfo.InvariantCulture), abort.Message);
                    await WithTimeoutAsync(t => Task.Delay(Options.RetryDelay, Time, t), Options.RetryDelay + Options.ConnectTimeout,
                        Reason.ConnectTimeout).ConfigureAwait(false);
                }
            }
        }

        private static bool IsTransient(Reason reason) => reason is Reason.ConnectionRefused or Reason.ConnectTimeout or Reason.NetworkUnreachable;

        private async Task<IPAddress[]> ResolveAsync(CancellationToken token)
        {
            if (HostNameRules.TryParseAddress(host, out var literal))
            {
                return [literal];
            }

            // Never hand the resolver a legacy numeric form (0x7f.0.0.1, 127.1): it would connect to an address nobody wrote.
            if (HostNameRules.Problem(host) is { } problem)
            {
                throw new ProbeAbortException(Reason.DnsFailure, TranscriptText.Escape(problem));
            }

            IPAddress[] addresses;
            try
            {
                // The system resolver may not honour the token (a blocking getaddrinfo): the wait for it is bounded all the
                // same, by the connect time-out, the host deadline and the caller, and the lookup is left behind (on a
                // resolver thread, ResolverThreads, which drops it unstarted when it is still queued).
                addresses = await owner._resolve(host, token).WaitAsync(token).ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                throw new ProbeAbortException(Reason.DnsFailure, $"cannot resolve '{host}': {e.SocketErrorCode}");
            }

            if (addresses.Length == 0)
            {
                throw new ProbeAbortException(Reason.DnsFailure, $"'{host}' has no A or AAAA record");
            }

            // IPv4 first: most Exchange 2003 era servers have no IPv6 SMTP.
            return [.. addresses.OrderBy(a => a.AddressFamily == AddressFamily.InterNetworkV6 ? 1 : 0)];
        }

        private async Task<Socket> ConnectOnceAsync(IPAddress[] addresses, CancellationToken token)
        {
            ProbeAbortException? last = null;
            foreach (var address in addresses)
            {
                Note(Label.NoteConnecting, new IPEndPoint(address, port).ToString());
                Socket socket;
                try
                {
                    socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                }
                catch (SocketException e) when (e.SocketErrorCode is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable)
                {
                    throw new OutOfSocketsException($"cannot open a socket: {e.SocketErrorCode} ({e.Message})", e);
                }

                try
                {
                    await socket.ConnectAsync(new IPEndPoint(address, port), token).ConfigureAwait(false);
                    _address = address.ToString();
                    return socket;
                }
                catch (SocketException e)
                {
                    socket.Dispose();
                    last = new ProbeAbortException(ReasonOfConnectError(e.SocketErrorCode), $"{new IPEndPoint(address, port)}: {e.SocketErrorCode}");
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            }

            throw last!;
        }

        /// <summary>
        /// Runs one phase under its own time-out, linked to the caller's token and the host deadline. Reports
        /// a time-out only when the caller did not cancel.
        /// </summary>
        private async Task<T> WithTimeoutAsync<T>(Func<CancellationToken, Task<T>> phase, TimeSpan timeout, Reason timeoutReason)
        {
            if (_phaseTimer!.IsCancellationRequested)
            {
                ArmPhaseTimer(); // an earlier phase timed out and the session goes on (a retry, the QUIT after a failed TLS)
            }

            _phaseTimer.CancelAfter(timeout);
            var token = _linked!.Token;
            try
            {
                return await phase(token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException && token.IsCancellationRequested && !callerToken.IsCancellationRequested)
            {
                var seconds = timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
                throw _deadline!.IsCancellationRequested
                    ? new ProbeAbortException(Reason.DeadlineExceeded, $"host deadline of {Options.HostDeadline.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s passed")
                    : new ProbeAbortException(timeoutReason, timeoutReason == Reason.DnsFailure
                        ? $"name resolution gave no answer within {seconds} s"
                        : $"no complete answer within {seconds} s");
            }
            catch (Exception e) when (e is not OperationCanceledException && callerToken.IsCancellationRequested)
            {
                // The caller cancelled and the socket failed on its way down (a reset, a disposed stream): that is the
                // cancellation, not a failure of the host, and never an exception the fleet engine has to know.
                throw new OperationCanceledException("the probe was cancelled", e, callerToken);
            }
            finally
            {
                if (!_phaseTimer.IsCancellationRequested)
                {
                    _phaseTimer.CancelAfter(Timeout.InfiniteTimeSpan);
                }
            }
        }

        private async Task WithTimeoutAsync(Func<CancellationToken, Task> phase, TimeSpan timeout, Reason timeoutReason) =>
            await WithTimeoutAsync(async t =>
            {
                await phase(t).ConfigureAwait(false);
                return true;
            }, timeout, timeoutReason).ConfigureAwait(false);

        private void ArmPhaseTimer()
        {
            _linked?.Dispose();
            _phaseTimer?.Dispose();
            _phaseTimer = new CancellationTokenSource(Timeout.InfiniteTimeSpan, Time);
            _linked = CancellationTokenSource.CreateLinkedTokenSource(callerToken, _deadline!.Token, _phaseTimer.Token);
        }

        private void Note(Label label, params string[] arguments) => _transcript.Note(label, arguments);

        private void Note(Label label, Reason reason, params string[] arguments) => _transcript.Note(label, reason, arguments);

        private static string Describe(IOException e) => e.InnerException is SocketException s ? s.SocketErrorCode.ToString() : e.Message;
    }

    /// <summary>What a failed connect means: a reset while connecting is a closed connection, not an unreachable network.</summary>
    internal static Reason ReasonOfConnectError(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => Reason.ConnectionRefused,
        SocketError.TimedOut => Reason.ConnectTimeout,
        SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown or SocketError.Disconnecting
            => Reason.ConnectionClosed,
        _ => Reason.NetworkUnreachable,
    };

    private static string LookUpLocalName()
    {
        try
        {
            var host = Dns.GetHostName();
            var domain = System.Net.NetworkInformation.IPGlobalProperties.GetIPGlobalProperties().DomainName;
            var name = string.IsNullOrEmpty(domain) || host.EndsWith(domain, StringComparison.OrdinalIgnoreCase) ? host : $"{host}.{domain}";
            return string.IsNullOrWhiteSpace(name) ? "localhost" : name;
        }
        catch (SocketException)
        {
            return "localhost";
        }
    }
}
