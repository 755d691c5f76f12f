namespace ExchangeSmtpFleet.Infrastructure.Mail;

/// <summary>
/// The connection to the relay, refusing to read more than <see cref="Limit"/> bytes between two writes of ours: MailKit
/// keeps a reply's lines until the reply ends, so a relay that sends an endless banner or reply would grow memory without
/// bound (issue 18.8). A real reply, even a TLS handshake's certificate chain, is a few kilobytes.
/// </summary>
/// <param name="inner">The socket's stream (owned).</param>
/// <param name="limit">Bytes the relay may send before it must wait for the client again.</param>
internal sealed class BoundedReplyStream(Stream inner, int limit) : Stream
{
    private long _unanswered;

    /// <summary>Bytes the relay may send before it must wait for the client again.</summary>
    public int Limit => limit;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int ReadTimeout { get => inner.ReadTimeout; set => inner.ReadTimeout = value; }

    public override int WriteTimeout { get => inner.WriteTimeout; set => inner.WriteTimeout = value; }

    public override bool CanTimeout => inner.CanTimeout;

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Count(await inner.ReadAsync(buffer.AsMemory(offset, count), cancellationToken).ConfigureAwait(false));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    public override void Write(byte[] buffer, int offset, int count)
    {
        _unanswered = 0;
        inner.Write(buffer, offset, count);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _unanswered = 0;
        inner.Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        _unanswered = 0;
        return inner.WriteAsync(buffer, offset, count, cancellationToken);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _unanswered = 0;
        return inner.WriteAsync(buffer, cancellationToken);
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Count(int read)
    {
        _unanswered += read;
        return _unanswered > limit
            ? throw new IOException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"the relay sent more than {limit / 1024} KiB without an answer being asked for (an endless reply)"))
            : read;
    }
}
