using ExchangeSmtpFleet.Core.Protocol;

namespace ExchangeSmtpFleet.Core.Probing;

/// <summary>
/// How one host is probed. The defaults suit a nightly LAN audit: RFC 5321 4.5.3.2 lets a client wait
/// 5 minutes for a greeting, but on a LAN an Exchange server that has not greeted in 30 s is broken.
/// </summary>
public sealed record ProbeOptions
{
    /// <summary>
    /// The name sent with EHLO/HELO; null for this machine's FQDN, which the prober looks up once when it is created
    /// (building options does no look-up).
    /// </summary>
    public string? EhloName { get; init; }

    /// <summary>Time for name resolution and one TCP connect attempt.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Time for the complete greeting (a multi-line greeting included).</summary>
    public TimeSpan GreetingTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Time for each complete reply after a command.</summary>
    public TimeSpan ReplyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Time for the QUIT reply; a host that does not answer QUIT is not penalised.</summary>
    public TimeSpan QuitTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The whole probe of one host, retries included. Nothing holds a probe past it.</summary>
    public TimeSpan HostDeadline { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Extra connect attempts after a transient connect failure (refused, time-out, unreachable).</summary>
    public int ConnectRetries { get; init; } = 1;

    /// <summary>Pause before a retried connect.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Upgrade with STARTTLS when advertised, capture the certificate and send EHLO again.</summary>
    public bool StartTls { get; init; } = true;

    /// <summary>Line and reply limits on what the server sends.</summary>
    public ReplyLimits Limits { get; init; } = ReplyLimits.Default;

    /// <summary>Bytes the server may send in one session before the probe gives up.</summary>
    public int MaxSessionBytes { get; init; } = 64 * 1024;

    /// <summary>Checks that the values make sense.</summary>
    /// <returns>These options.</returns>
    /// <exception cref="ArgumentException">A value is out of range; the message names it.</exception>
    public ProbeOptions Validated()
    {
        static void Positive(TimeSpan value, string name)
        {
            if (value <= TimeSpan.Zero)
            {
                throw new ArgumentException($"{name} must be positive, not {value}", name);
            }
        }

        Positive(ConnectTimeout, nameof(ConnectTimeout));
        Positive(GreetingTimeout, nameof(GreetingTimeout));
        Positive(ReplyTimeout, nameof(ReplyTimeout));
        Positive(QuitTimeout, nameof(QuitTimeout));
        Positive(HostDeadline, nameof(HostDeadline));
        if (ConnectRetries is < 0 or > 5)
        {
            throw new ArgumentException($"ConnectRetries must be 0-5, not {ConnectRetries}", nameof(ConnectRetries));
        }

        if (EhloName is not null && (string.IsNullOrWhiteSpace(EhloName) || EhloName.Any(c => c <= ' ' || c > '~')))
        {
            throw new ArgumentException(
                $"EhloName '{TranscriptText.Escape(EhloName)}' must be a domain or address literal without spaces or control characters", nameof(EhloName));
        }

        if (MaxSessionBytes < 1024)
        {
            throw new ArgumentException("MaxSessionBytes must be at least 1024", nameof(MaxSessionBytes));
        }

        return this;
    }
}
