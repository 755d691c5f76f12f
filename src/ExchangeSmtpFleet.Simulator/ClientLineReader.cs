using System.Text;

namespace ExchangeSmtpFleet.Simulator;

/// <summary>Reads the probe's command lines (bounded: a client line longer than 1000 bytes ends the session).</summary>
internal sealed class ClientLineReader(Stream stream)
{
    private const int MaxLine = 1000;
    private readonly byte[] _buffer = new byte[MaxLine + 2];
    private int _count;

    /// <returns>The line without CRLF, or null when the client closed or broke the limit.</returns>
    public async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', 0, _count);
            if (newline >= 0)
            {
                var line = Encoding.ASCII.GetString(_buffer, 0, newline).TrimEnd('\r');
                Buffer.BlockCopy(_buffer, newline + 1, _buffer, 0, _count - newline - 1);
                _count -= newline + 1;
                return line;
            }

            if (_count == _buffer.Length)
            {
                return null;
            }

            var read = await stream.ReadAsync(_buffer.AsMemory(_count), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return null;
            }

            _count += read;
        }
    }
}
