namespace ExchangeSmtpFleet.Smtp.Probing;

/// <summary>Who sent a transcript line.</summary>
public enum TranscriptDirection
{
    /// <summary>The probe (C:).</summary>
    Client,

    /// <summary>The server (S:).</summary>
    Server,

    /// <summary>A note of the probe itself (connect, TLS, errors).</summary>
    Note,
}
