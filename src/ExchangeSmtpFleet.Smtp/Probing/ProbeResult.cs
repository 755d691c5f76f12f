using System.Collections.Immutable;
using ExchangeSmtpFleet.Core.Classification;

namespace ExchangeSmtpFleet.Smtp.Probing;

/// <summary>What probing one host showed: the observation for the classifier plus timings and transcript.</summary>
public sealed record ProbeResult
{
    public required string Host { get; init; }

    public required int Port { get; init; }

    /// <summary>The address the session ran against, when a connection was made.</summary>
    public string? Address { get; init; }

    public required SmtpObservation Observation { get; init; }

    public required ProbeTimings Timings { get; init; }

    /// <summary>The session, bounded by <see cref="ProbeOptions.MaxSessionBytes"/>.</summary>
    public ImmutableArray<TranscriptLine> Transcript { get; init; } = [];

    /// <summary>Connect attempts made (1 + retries used).</summary>
    public int Attempts { get; init; } = 1;

    public required DateTimeOffset StartedAt { get; init; }
}
