using Microsoft.Extensions.Logging;

namespace ExchangeSmtpFleet.Jobs;

/// <summary>
/// Keeps the generic host's "Hosting failed to start" (an error with the whole stack trace) out of the log while
/// <see cref="JobHost.StartAsync"/> starts the host: that method says the same in one line (an address in use, a
/// certificate that cannot be read) and exits 2, and the stack trace after it only buries the line (issue 18, item 17).
/// Any other start failure still reaches the command's own error handling with its exception.
/// </summary>
internal sealed class HostStartLog
{
    /// <summary>The generic host's category.</summary>
    public const string Category = "Microsoft.Extensions.Hosting.Internal.Host";

    private volatile bool _starting;

    /// <summary>Whether a message of the host's category at <paramref name="level"/> is logged: warnings and above (as every category by default), errors not while starting.</summary>
    public bool Allows(LogLevel level) => level >= LogLevel.Warning && !(_starting && level == LogLevel.Error);

    /// <summary>Until disposed, the host's errors are the starter's to report.</summary>
    public Scope Starting()
    {
        _starting = true;
        return new Scope(this);
    }

    /// <summary>The start in progress.</summary>
    internal readonly struct Scope(HostStartLog log) : IDisposable
    {
        public void Dispose() => log._starting = false;
    }
}
