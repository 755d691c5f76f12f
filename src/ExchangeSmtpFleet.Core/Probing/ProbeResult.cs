using System.Collections.Immutable;
using ExchangeSmtpFleet.Core.Classification;

namespace ExchangeSmtpFleet.Core.Probing;

/// <summary>What probing one host showed: the observation for the classifier plus timings and transcript.</summary>
public sealed record ProbeResult
{
    /// <summary>The host as the inventory or the command line names it.</summary>
    public required string Host { get; init; }

    /// <summary>The TCP port.</summary>
    public required int Port { get; init; }

    /// <summary>The address the session ran against, when a connection was made.</summary>
    public string? Address { get; init; }

    /// <summary>The replies of the dialogue, for the classifier.</summary>
    public required SmtpObservation Observation { get; init; }

    /// <summary>Milliseconds per phase.</summary>
    public required ProbeTimings Timings { get; init; }

    /// <summary>The session, bounded by the probe's session byte budget and line count.</summary>
    public ImmutableArray<TranscriptLine> Transcript { get; init; } = [];

    /// <summary>Connect attempts made (1 + retries used).</summary>
    public int Attempts { get; init; } = 1;

    /// <summary>When the probe started (UTC).</summary>
    public required DateTimeOffset StartedAt { get; init; }
}
