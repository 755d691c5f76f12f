namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>How a run probed, as the database keeps it (JSON): what an auditor asks about a run's settings.</summary>
internal sealed record StoredProbeOptions(
    string? EhloName, double ConnectTimeoutSeconds, double GreetingTimeoutSeconds, double ReplyTimeoutSeconds,
    double HostDeadlineSeconds, int ConnectRetries, bool StartTls);
