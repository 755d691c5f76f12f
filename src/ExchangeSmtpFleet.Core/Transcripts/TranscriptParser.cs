using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Protocol;

namespace ExchangeSmtpFleet.Core.Transcripts;

/// <summary>
/// Reads a telnet session as a person pastes it: server lines (<c>ddd-</c>/<c>ddd </c>) are replies,
/// the person's own typed lines and <c>#</c> comments are ignored, the banner is optional, and an EHLO
/// reply that follows a STARTTLS <c>220</c> is the post-TLS list.
/// </summary>
public static class TranscriptParser
{
    /// <summary>Parses a pasted transcript.</summary>
    /// <param name="text">The transcript.</param>
    /// <param name="limits">Line and reply limits; the defaults of the live probe when null.</param>
    public static TranscriptParseResult Parse(string text, ReplyLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var replies = new List<SmtpReply>();
        var accumulator = new ReplyAccumulator(limits);
        ProbeFailure? failure = null;
        var serverLines = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r').Trim();
            if (line.Length == 0 || line[0] == '#' || !ReplyLine.TryParse(line, out _))
            {
                continue; // typed commands, telnet chatter, comments
            }

            serverLines++;
            var step = accumulator.Add(line);
            if (step.IsComplete)
            {
                replies.Add(step.Reply!.Value);
            }
            else if (step.IsError)
            {
                failure = new ProbeFailure(step.Error == ReplyError.LineTooLong ? Reason.LineTooLong : Reason.ReplyTooLong,
                    $"transcript line {serverLines} breaks the probe's limits ({step.Error})");
                break;
            }
        }

        if (failure is null && accumulator.CompleteTruncated() is { } truncated)
        {
            replies.Add(truncated);
        }

        return new TranscriptParseResult(Assign(replies) with { Failure = failure }, serverLines, replies.Count);
    }

    private static SmtpObservation Assign(List<SmtpReply> replies)
    {
        var observation = new SmtpObservation();
        var index = 0;

        // The greeting: a leading reply that is not an EHLO reply (220, or 421/554 refusing service).
        if (index < replies.Count && replies[index].Code != 250)
        {
            observation = observation with { Greeting = replies[index++] };
            if (observation.Greeting!.Value.Code != 220)
            {
                return observation;
            }
        }

        if (index >= replies.Count)
        {
            return observation;
        }

        observation = observation with { EhloReply = replies[index++] };
        if (observation.EhloReply!.Value.IsNegative)
        {
            // RFC 5321 4.1.4: after a refused EHLO a client falls back to HELO.
            if (index < replies.Count && replies[index].Code != 221)
            {
                observation = observation with { HeloReply = replies[index] };
            }

            return observation;
        }

        var firstList = EhloResponse.FromReply(observation.EhloReply.Value);
        for (; index < replies.Count; index++)
        {
            var reply = replies[index];
            if (reply.Code == 220 && observation.StartTlsReply is null)
            {
                observation = observation with { StartTlsReply = reply };
            }
            else if (reply.Code == 250 && observation.PostTlsEhloReply is null
                && (observation.StartTlsReply is not null || firstList.Has("STARTTLS")))
            {
                // A second EHLO reply is the post-TLS list when it follows STARTTLS's 220, or when the
                // person pasted it without that line but the first list advertised STARTTLS.
                observation = observation with { PostTlsEhloReply = reply };
            }
        }

        return observation;
    }
}
