using System.Collections.Immutable;
using ExchangeSmtpFleet.Core.Protocol;
using ExchangeSmtpFleet.Core.Transcripts;

namespace ExchangeSmtpFleet.Simulator;

/// <summary>The wire lines a simulated host answers with, derived from a transcript.</summary>
internal sealed record HostScript(ImmutableArray<string> Greeting, ImmutableArray<string> Ehlo, ImmutableArray<string> PostTlsEhlo, string Domain)
{
    public bool AdvertisesStartTls => Ehlo.Skip(1).Any(l => l.Length > 4 && l[4..].Trim().Equals("STARTTLS", StringComparison.OrdinalIgnoreCase));

    /// <summary>Builds the script; the transcript must hold an EHLO reply.</summary>
    /// <exception cref="FleetDefinitionException">The transcript holds no EHLO reply.</exception>
    public static HostScript From(string transcriptText, string? name, bool forceStartTls, string source)
    {
        var observation = TranscriptParser.Parse(transcriptText).Observation;
        if (observation.EhloReply is not { IsPositive: true } ehloReply)
        {
            throw new FleetDefinitionException($"{source}: the transcript holds no positive EHLO reply to replay");
        }

        var ehlo = EhloResponse.FromReply(ehloReply);
        var domain = name ?? ehlo.GreetingDomain;
        var greeting = observation.Greeting is { } g
            ? [.. Rename(g.ToWireLines(), name)]
            : ImmutableArray.Create(ehlo.EndsWithOk
                ? $"220 {domain} Microsoft ESMTP MAIL Service, Version: 6.0.3790.3959 ready"
                : $"220 {domain} ESMTP ready");
        var ehloLines = Rename(ehloReply.ToWireLines(), name).ToList();
        if (forceStartTls && !ehlo.Has("STARTTLS"))
        {
            ehloLines.Insert(1, $"{ehloReply.Code}-STARTTLS");
        }

        // RFC 3207 4.2: after TLS the list MUST NOT offer STARTTLS; without a recorded list, that is the only change.
        var post = observation.PostTlsEhloReply is { IsPositive: true } p
            ? Rename(p.ToWireLines(), name).ToList()
            : ehloLines.Where(l => !l[4..].Trim().Equals("STARTTLS", StringComparison.OrdinalIgnoreCase)).ToList();
        return new HostScript(greeting, [.. ehloLines], [.. FixContinuation(post)], domain);
    }

    /// <summary>Puts the inventory's name into the banner and the EHLO greeting line.</summary>
    private static IEnumerable<string> Rename(IEnumerable<string> lines, string? name)
    {
        var first = true;
        foreach (var line in lines)
        {
            if (first && name is not null && line.Length > 4)
            {
                var text = line[4..];
                var space = text.IndexOf(' ', StringComparison.Ordinal);
                yield return line[..4] + name + (space < 0 ? string.Empty : text[space..]);
            }
            else
            {
                yield return line;
            }

            first = false;
        }
    }

    /// <summary>After removing a line the last one must still end the reply (ddd SP).</summary>
    private static List<string> FixContinuation(List<string> lines)
    {
        for (var i = 0; i < lines.Count; i++)
        {
            var last = i == lines.Count - 1;
            lines[i] = lines[i][..3] + (last ? ' ' : '-') + lines[i][4..];
        }

        return lines;
    }
}
