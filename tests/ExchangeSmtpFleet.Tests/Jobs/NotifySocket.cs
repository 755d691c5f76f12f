using System.Text;

namespace ExchangeSmtpFleet.Tests.Jobs;

/// <summary>A systemd notification socket: a Unix datagram socket that keeps every message it receives.</summary>
internal sealed class NotifySocket : IDisposable
{
    private readonly System.Net.Sockets.Socket _socket = new(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Unspecified);
    private readonly List<string> _messages = [];
    private readonly Task _receiving;

    public NotifySocket(string path)
    {
        Path = path;
        _socket.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(path));
        _receiving = Task.Run(async () =>
        {
            var buffer = new byte[4096];
            while (true)
            {
                int read;
                try
                {
                    read = await _socket.ReceiveAsync(buffer, System.Net.Sockets.SocketFlags.None);
                }
                catch (Exception e) when (e is System.Net.Sockets.SocketException or ObjectDisposedException)
                {
                    return;
                }

                lock (_messages)
                {
                    _messages.AddRange(Encoding.UTF8.GetString(buffer, 0, read).Split('\n', StringSplitOptions.RemoveEmptyEntries));
                }
            }
        });
    }

    public string Path { get; }

    public IReadOnlyList<string> Messages
    {
        get
        {
            lock (_messages)
            {
                return [.. _messages];
            }
        }
    }

    public void Dispose()
    {
        _socket.Dispose();
        _receiving.Wait(TimeSpan.FromSeconds(5));
        File.Delete(Path);
    }
}
