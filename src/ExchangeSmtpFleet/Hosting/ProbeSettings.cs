using System.Globalization;
using ExchangeSmtpFleet.Core.Probing;

namespace ExchangeSmtpFleet.Hosting;

/// <summary>
/// How each host is probed: configuration section <c>Probe</c> (<c>ESF_Probe__ReplyTimeoutSeconds=5</c>), overridden by
/// the options of <c>probe</c> and <c>scan</c>. Times are seconds. The defaults suit a nightly LAN audit (SPEC 5).
/// </summary>
internal sealed class ProbeSettings : ISettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Probe";

    private static readonly ProbeOptions Defaults = new();

    /// <summary>Seconds for name resolution and each TCP connect attempt.</summary>
    public double ConnectTimeoutSeconds { get; set; } = Defaults.ConnectTimeout.TotalSeconds;

    /// <summary>Seconds for the complete greeting.</summary>
    public double GreetingTimeoutSeconds { get; set; } = Defaults.GreetingTimeout.TotalSeconds;

    /// <summary>Seconds for each complete reply after a command.</summary>
    public double ReplyTimeoutSeconds { get; set; } = Defaults.ReplyTimeout.TotalSeconds;

    /// <summary>Seconds for the reply to QUIT (never more than <see cref="ReplyTimeoutSeconds"/>).</summary>
    public double QuitTimeoutSeconds { get; set; } = Defaults.QuitTimeout.TotalSeconds;

    /// <summary>Seconds one host may take in all, retries included.</summary>
    public double HostDeadlineSeconds { get; set; } = Defaults.HostDeadline.TotalSeconds;

    /// <summary>Extra connect attempts after a refused or timed-out connect (0-5).</summary>
    public int Retries { get; set; } = Defaults.ConnectRetries;

    /// <summary>Upgrade with STARTTLS when advertised, capture the certificate, send EHLO again.</summary>
    public bool StartTls { get; set; } = Defaults.StartTls;

    /// <summary>The name sent with EHLO/HELO; empty for this machine's name.</summary>
    public string? EhloName { get; set; }

    /// <summary>What is wrong with the values, one line each, naming the setting.</summary>
    public IEnumerable<string> Problems()
    {
        foreach (var (name, value) in new[]
        {
            (nameof(ConnectTimeoutSeconds), ConnectTimeoutSeconds), (nameof(GreetingTimeoutSeconds), GreetingTimeoutSeconds),
            (nameof(ReplyTimeoutSeconds), ReplyTimeoutSeconds), (nameof(QuitTimeoutSeconds), QuitTimeoutSeconds),
            (nameof(HostDeadlineSeconds), HostDeadlineSeconds),
        })
        {
            if (!(value > 0 && value <= 3600))
            {
                yield return $"{Section}:{name} must be more than 0 and at most 3600 seconds, not {value.ToString(CultureInfo.InvariantCulture)}";
            }
        }

        if (Retries is < 0 or > 5)
        {
            yield return $"{Section}:{nameof(Retries)} must be 0-5, not {Retries}";
        }

        if (!string.IsNullOrEmpty(EhloName) && EhloName.Any(c => c <= ' ' || c > '~'))
        {
            yield return $"{Section}:{nameof(EhloName)} must be a domain or address literal without spaces or control characters, not '{TranscriptText.Escape(EhloName)}'";
        }
    }

    /// <summary>The probe options these settings describe (call after <see cref="Problems"/> is empty).</summary>
    public ProbeOptions ToProbeOptions() => new ProbeOptions
    {
        ConnectTimeout = TimeSpan.FromSeconds(ConnectTimeoutSeconds),
        GreetingTimeout = TimeSpan.FromSeconds(GreetingTimeoutSeconds),
        ReplyTimeout = TimeSpan.FromSeconds(ReplyTimeoutSeconds),

        // A short reply time-out asks for a quick audit; the wait for QUIT must not be the longest phase.
        QuitTimeout = TimeSpan.FromSeconds(Math.Min(QuitTimeoutSeconds, ReplyTimeoutSeconds)),
        HostDeadline = TimeSpan.FromSeconds(HostDeadlineSeconds),
        ConnectRetries = Retries,
        StartTls = StartTls,
        EhloName = string.IsNullOrEmpty(EhloName) ? null : EhloName,
    }.Validated();
}
