namespace ExchangeSmtpFleet.Core.Probing;

/// <summary>One line of the session, as evidence for auditors.</summary>
/// <param name="Direction">Who sent it.</param>
/// <param name="Text">The line without CRLF, control characters of the server escaped (<see cref="TranscriptText.Escape"/>).</param>
/// <param name="Elapsed">Time since the probe started.</param>
public readonly record struct TranscriptLine(TranscriptDirection Direction, string Text, TimeSpan Elapsed)
{
    /// <summary>For a note of the probe, what it says (to read it in another language); null for the dialogue and for a stored line.</summary>
    public TranscriptNote? Note { get; init; }

    /// <summary>The line as the transcript shows it: <c>C: </c>, <c>S: </c> or <c>*  </c> and the text.</summary>
    public override string ToString() => Direction switch
    {
        TranscriptDirection.Client => $"C: {Text}",
        TranscriptDirection.Server => $"S: {Text}",
        _ => $"*  {Text}",
    };
}
