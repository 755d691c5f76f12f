using ExchangeSmtpFleet.Core.Classification;

namespace ExchangeSmtpFleet.Core.Transcripts;

/// <summary>What a pasted transcript held.</summary>
/// <param name="Observation">The replies, assigned to the dialogue steps.</param>
/// <param name="ServerLineCount">How many lines were SMTP reply lines.</param>
/// <param name="ReplyCount">How many complete replies they formed.</param>
public sealed record TranscriptParseResult(SmtpObservation Observation, int ServerLineCount, int ReplyCount);
