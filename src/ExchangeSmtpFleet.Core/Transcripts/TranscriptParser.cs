using System.Text.RegularExpressions;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Protocol;

namespace ExchangeSmtpFleet.Core.Transcripts;

/// <summary>
/// Reads a telnet session as a person pastes it: server lines (<c>ddd-</c>/<c>ddd </c>) are replies,
/// the person's own typed lines and <c>#</c> comments are ignored, the banner is optional, and an EHLO
/// reply that follows a STARTTLS <c>220</c> is the post-TLS list. Lines quoted in a mail (<c>&gt; 250-...</c>,
/// <c>&gt;&gt; 250-...</c>) and esfleet's own transcript lines (<c>S: 250-...</c>) are read as the server's lines; a
/// paste without reply codes that is only EHLO keywords (one a line, or separated by commas) is read as the EHLO reply.
/// </summary>
public static partial class TranscriptParser
{
    /// <summary>Parses a pasted transcript.</summary>
    /// <param name="text">The transcript.</param>
    /// <param name="limits">Line and reply limits; the defaults of the live probe when null.</param>
    public static TranscriptParseResult Parse(string text, ReplyLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Split('\n').Select(Unquote).ToList();
        var parsed = ParseLines(lines, limits);
        if (parsed.ServerLineCount > 0)
        {
            return parsed;
        }

        if (KeywordList(lines) is { } keywords)
        {
            // A bare list: the EHLO reply without its codes and without the greeting line (RFC 5321 4.1.1.1).
            List<string> reply = ["250-", .. keywords.Select((k, i) => $"{(i == keywords.Count - 1 ? "250 " : "250-")}{k}")];
            return ParseLines(reply, limits) with { KeywordListOnly = true };
        }

        return parsed with { MisplacedReplyLine = lines.FirstOrDefault(l => MisplacedReply().IsMatch(l)) };
    }

    private static TranscriptParseResult ParseLines(List<string> lines, ReplyLimits? limits)
    {
        var replies = new List<SmtpReply>();
        var accumulator = new ReplyAccumulator(limits);
        ProbeFailure? failure = null;
        var serverLines = 0;
        foreach (var line in lines)
        {
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

    /// <summary>A pasted line without CR, blanks around it, the quote marks of a mail and esfleet's <c>S: </c> (with its time).</summary>
    private static string Unquote(string raw)
    {
        var line = raw.TrimEnd('\r').Trim();
        line = QuoteMarks().Replace(line, string.Empty);
        return ServerMark().Replace(line, string.Empty).Trim();
    }

    /// <summary>
    /// The keywords of a paste that holds nothing else (comments, typed EHLO/HELO/QUIT and a greeting line aside), or null.
    /// A keyword is upper case as servers send it (RFC 5321 4.1.1.1, <c>ehlo-keyword</c>), IIS's lower-case
    /// <c>8bitmime</c> included, with its parameters after it; ordinary text is not a keyword list.
    /// </summary>
    private static List<string>? KeywordList(List<string> lines)
    {
        var keywords = new List<string>();
        foreach (var line in lines)
        {
            if (line.Length == 0 || line[0] == '#' || TypedCommand().IsMatch(line) || (keywords.Count == 0 && GreetingLine().IsMatch(line)))
            {
                continue;
            }

            foreach (var part in line.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var name = part.Split(' ', 2)[0];
                if (!Keyword().IsMatch(part) || (name.Any(char.IsAsciiLetterLower) && !name.Equals("8bitmime", StringComparison.Ordinal)))
                {
                    return null;
                }

                keywords.Add(part);
            }
        }

        return keywords.Count > 0 ? keywords : null;
    }

    [GeneratedRegex(@"^(\s*>)+\s?", RegexOptions.CultureInvariant)]
    private static partial Regex QuoteMarks();

    [GeneratedRegex(@"^(\d+(\.\d+)?\s+)?S:\s", RegexOptions.CultureInvariant)]
    private static partial Regex ServerMark();

    [GeneratedRegex(@"^(EHLO|HELO|QUIT)(\s|$)", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex TypedCommand();

    [GeneratedRegex(@"^\S+ (Hello|says EHLO)\b", RegexOptions.CultureInvariant)]
    private static partial Regex GreetingLine();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9-]*(=\S*)?( +\S+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex Keyword();

    [GeneratedRegex(@"^\S.*?\s[2-5][0-5][0-9][- ]\S", RegexOptions.CultureInvariant)]
    private static partial Regex MisplacedReply();

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
