using ExchangeSmtpFleet.Core.Classification;

namespace ExchangeSmtpFleet.Core.Transcripts;

/// <summary>What a pasted transcript held.</summary>
/// <param name="Observation">The replies, assigned to the dialogue steps.</param>
/// <param name="ServerLineCount">How many lines were SMTP reply lines.</param>
/// <param name="ReplyCount">How many complete replies they formed.</param>
public sealed record TranscriptParseResult(SmtpObservation Observation, int ServerLineCount, int ReplyCount)
{
    /// <summary>True when the paste was a bare keyword list, read as the EHLO reply without a banner.</summary>
    public bool KeywordListOnly { get; init; }

    /// <summary>
    /// When no reply line was found: the first line that has a reply code after something else (a time, a name), so
    /// that the person can be told what to remove; null when there is none.
    /// </summary>
    public string? MisplacedReplyLine { get; init; }
}
