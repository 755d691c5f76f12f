namespace ExchangeSmtpFleet.Simulator;

/// <summary>One host of a fleet file.</summary>
public sealed record SimulatedHostDefinition
{
    /// <summary>A loopback address (127.0.0.0/8 or ::1); one listener per host.</summary>
    public string Address { get; init; } = string.Empty;

    /// <summary>TCP port; 0 picks a free one (tests).</summary>
    public int Port { get; init; } = 2525;

    /// <summary>Replaces the server name in the banner and the EHLO greeting, when set.</summary>
    public string? Name { get; init; }

    /// <summary>Transcript file (server lines), relative to the fleet file; or inline via <see cref="TranscriptText"/>.</summary>
    public string? Transcript { get; init; }

    /// <summary>Transcript text, when not read from a file.</summary>
    public string? TranscriptText { get; init; }

    /// <summary>Delay before every reply, milliseconds (a round trip).</summary>
    public int LatencyMs { get; init; }

    /// <summary>See <see cref="SimulatedFaultNames"/>.</summary>
    public string Fault { get; init; } = "none";

    /// <summary>Extra delay before the greeting for <c>slow-greeting</c>, milliseconds.</summary>
    public int GreetingDelayMs { get; init; } = 3000;

    /// <summary>Delay per byte for <c>one-byte-at-a-time</c>, milliseconds.</summary>
    public int ByteDelayMs { get; init; } = 1;
}
