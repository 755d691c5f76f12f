namespace ExchangeSmtpFleet.Infrastructure.Tests.Persistence.SqlServerOffline;

/// <summary>
/// The TLS handshake of TDS 7.x as the server side sees it (MS-TDS 2.2.6.5): each TLS record travels in PRELOGIN packets
/// (type 0x12) behind an 8-byte header. Reads return the packets' payloads; writes wrap what is written in one packet.
/// </summary>
internal sealed class TdsPacketStream(Stream inner) : Stream
{
    private int _left;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>A TDS packet of <paramref name="type"/> carrying <paramref name="payload"/>, the last of its message.</summary>
    public static byte[] Packet(byte type, ReadOnlySpan<byte> payload)
    {
        var packet = new byte[8 + payload.Length];
        packet[0] = type;
        packet[1] = 0x01;
        packet[2] = (byte)(packet.Length >> 8);
        packet[3] = (byte)packet.Length;
        packet[6] = 1;
        payload.CopyTo(packet.AsSpan(8));
        return packet;
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(Packet(0x12, buffer.AsSpan(offset, count)));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_left == 0)
        {
            var header = new byte[8];
            await inner.ReadExactlyAsync(header, cancellationToken);
            _left = ((header[2] << 8) | header[3]) - 8;
        }

        var read = await inner.ReadAsync(buffer[..Math.Min(buffer.Length, _left)], cancellationToken);
        _left -= read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.WriteAsync(Packet(0x12, buffer.Span), cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
}
