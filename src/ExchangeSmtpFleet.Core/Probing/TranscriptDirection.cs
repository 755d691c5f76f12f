namespace ExchangeSmtpFleet.Core.Probing;

/// <summary>Who sent a transcript line. Stored by name.</summary>
public enum TranscriptDirection
{
    /// <summary>The probe (C:).</summary>
    Client = 0,

    /// <summary>The server (S:).</summary>
    Server = 1,

    /// <summary>A note of the probe itself (connect, TLS, errors).</summary>
    Note = 2,
}
