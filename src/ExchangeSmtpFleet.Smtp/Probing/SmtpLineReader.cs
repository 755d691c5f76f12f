using System.Buffers;
using System.Net.Sockets;
using System.Text;

namespace ExchangeSmtpFleet.Smtp.Probing;

/// <summary>
/// Reads CRLF (or bare LF) terminated lines from an untrusted server into a fixed buffer. Memory never
/// grows with what the server sends: a line longer than the buffer, or a session longer than the byte
/// budget, ends the read. A line whose first bytes cannot start an SMTP reply (RFC 5321 4.2) is reported
/// at once instead of waiting for its end, so an SSH or HTTP banner or binary garbage fails fast.
/// The buffer comes from the shared pool and goes back on <see cref="Dispose"/>: one per open session,
/// not one per probe ever made.
/// </summary>
internal sealed class SmtpLineReader : IDisposable
{
    private byte[] _buffer;
    private readonly int _maxLineLength;
    private readonly int _maxSessionBytes;
    private Stream _stream;
    private int _start;
    private int _end;

    public SmtpLineReader(Stream stream, int maxLineLength, int maxSessionBytes)
    {
        _stream = stream;
        _maxLineLength = maxLineLength;
        _maxSessionBytes = maxSessionBytes;
        _buffer = ArrayPool<byte>.Shared.Rent(maxLineLength + 2);
    }

    /// <summary>Bytes received in this session.</summary>
    public long BytesReceived { get; private set; }

    /// <summary>Bytes received but not yet returned as lines.</summary>
    public int Buffered => _end - _start;

    /// <summary>The text of the line being read when an error ended it, for the transcript.</summary>
    public string PartialLine => Latin1(_buffer.AsSpan(_start, Math.Min(_end - _start, 200)));

    /// <summary>Returns the buffer to the pool; the reader must not be used afterwards.</summary>
    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _start = _end = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Takes what the server has sent unasked (RFC 5321 4.3.1: no unsolicited replies) before the next command: reads
    /// once if the socket holds data, returns the complete lines buffered and drops the rest, so that nothing sent before
    /// the command can be read as its reply.
    /// </summary>
    /// <returns>The unsolicited lines (bytes without a line end count as one), empty when the server kept quiet.</returns>
    public async ValueTask<IReadOnlyList<string>> TakeUnsolicitedAsync(CancellationToken cancellationToken)
    {
        if (_end == _start && _stream is NetworkStream { DataAvailable: true } && _end < _buffer.Length)
        {
            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            _end += read;
            BytesReceived += read;
        }

        var lines = new List<string>();
        while (_end > _start)
        {
            var available = _buffer.AsSpan(_start, _end - _start);
            var newline = available.IndexOf((byte)'\n');
            var line = newline >= 0 ? available[..newline] : available;
            lines.Add(Latin1(line.TrimEnd((byte)'\r')));
            _start += newline >= 0 ? newline + 1 : available.Length;
        }

        _start = _end = 0;
        return lines;
    }

    /// <summary>Switches to the TLS stream after STARTTLS; buffered plaintext is dropped (and reported by the caller).</summary>
    public void ReplaceStream(Stream stream)
    {
        _stream = stream;
        _start = _end = 0;
    }

    public async ValueTask<(LineReadStatus Status, string? Line)> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var available = _buffer.AsSpan(_start, _end - _start);
            var newline = available.IndexOf((byte)'\n');
            var lineLength = newline >= 0 ? newline : available.Length;
            if (!CouldBeReply(available[..lineLength]))
            {
                return (LineReadStatus.NotSmtp, null);
            }

            if (newline >= 0)
            {
                var line = available[..newline];
                if (!line.IsEmpty && line[^1] == (byte)'\r')
                {
                    line = line[..^1];
                }

                _start += newline + 1;
                if (line.Length > _maxLineLength)
                {
                    return (LineReadStatus.LineTooLong, null);
                }

                return (LineReadStatus.Line, Latin1(line));
            }

            if (available.Length > _maxLineLength)
            {
                return (LineReadStatus.LineTooLong, null);
            }

            if (_start > 0)
            {
                available.CopyTo(_buffer);
                _end -= _start;
                _start = 0;
            }

            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return (LineReadStatus.Closed, null);
            }

            _end += read;
            BytesReceived += read;
            if (BytesReceived > _maxSessionBytes)
            {
                return (LineReadStatus.SessionTooLong, null);
            }
        }
    }

    /// <summary>True while the bytes seen so far can still begin <c>Reply-code [("-" / SP) text]</c>.</summary>
    private static bool CouldBeReply(ReadOnlySpan<byte> line)
    {
        if (line.Length > 0 && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        if (line.Length >= 1 && line[0] is < (byte)'2' or > (byte)'5')
        {
            return false;
        }

        if (line.Length >= 2 && line[1] is < (byte)'0' or > (byte)'5')
        {
            return false;
        }

        if (line.Length >= 3 && line[2] is < (byte)'0' or > (byte)'9')
        {
            return false;
        }

        return line.Length < 4 || line[3] is not (>= (byte)'0' and <= (byte)'9');
    }

    /// <summary>ISO-8859-1 maps every byte to one char, so no input can make decoding throw.</summary>
    private static string Latin1(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);
}
