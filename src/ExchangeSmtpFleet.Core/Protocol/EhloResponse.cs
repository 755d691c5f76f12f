using System.Collections.Frozen;
using System.Collections.Immutable;

namespace ExchangeSmtpFleet.Core.Protocol;

/// <summary>
/// A positive EHLO reply split into greeting and keywords. The first line is always the greeting
/// (<c>Domain [SP ehlo-greet]</c>, RFC 5321 4.1.1.1), never a keyword. The <c>250 OK</c> that IIS sends as
/// its last line is not an extension and is recorded in <see cref="EndsWithOk"/> instead.
/// </summary>
/// <remarks>
/// A class, not a record: the keyword index is built once in the constructor from <see cref="Keywords"/>, and a
/// record's <c>with</c> would copy it stale.
/// </remarks>
public sealed class EhloResponse
{
    private readonly FrozenDictionary<string, EhloKeyword> _byName;

    /// <summary>Builds a response; a keyword advertised twice is found by its first occurrence.</summary>
    /// <param name="greeting">The greeting line (the reply's first line).</param>
    /// <param name="keywords">The keywords in the order advertised.</param>
    /// <param name="endsWithOk">Whether the last line was IIS's <c>OK</c>.</param>
    /// <param name="anomalies">Syntax anomalies of the reply and its keywords.</param>
    public EhloResponse(string greeting, ImmutableArray<EhloKeyword> keywords, bool endsWithOk, ImmutableArray<ReplyAnomaly> anomalies)
    {
        Greeting = greeting;
        Keywords = keywords.IsDefault ? [] : keywords;
        EndsWithOk = endsWithOk;
        Anomalies = anomalies.IsDefault ? [] : anomalies;

        // The classifier asks dozens of times per host: one index, case-insensitive.
        var byName = new Dictionary<string, EhloKeyword>(Keywords.Length, StringComparer.OrdinalIgnoreCase);
        foreach (var keyword in Keywords)
        {
            byName.TryAdd(keyword.Name, keyword);
        }

        _byName = byName.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The greeting line (<c>name Hello [ip]</c>).</summary>
    public string Greeting { get; }

    /// <summary>The keywords in the order advertised, each once.</summary>
    public ImmutableArray<EhloKeyword> Keywords { get; }

    /// <summary>Whether the last line was IIS's <c>OK</c> (not a keyword).</summary>
    public bool EndsWithOk { get; }

    /// <summary>Syntax anomalies of the reply and of its keywords.</summary>
    public ImmutableArray<ReplyAnomaly> Anomalies { get; }

    /// <summary>The domain the server named in its greeting line.</summary>
    public string GreetingDomain
    {
        get
        {
            var space = Greeting.IndexOf(' ', StringComparison.Ordinal);
            return space < 0 ? Greeting.Trim() : Greeting[..space];
        }
    }

    /// <summary>True when <paramref name="keyword"/> is advertised (case-insensitive).</summary>
    public bool Has(string keyword) => _byName.ContainsKey(keyword);

    /// <summary>The advertised keyword named <paramref name="keyword"/> (case-insensitive), or null.</summary>
    public EhloKeyword? Find(string keyword) => _byName.TryGetValue(keyword, out var k) ? k : null;

    /// <summary>Splits a reply into greeting and keywords, recording syntax anomalies.</summary>
    public static EhloResponse FromReply(SmtpReply reply)
    {
        var anomalies = ImmutableArray.CreateBuilder<ReplyAnomaly>();
        anomalies.AddRange(reply.Anomalies);
        var keywords = ImmutableArray.CreateBuilder<EhloKeyword>(reply.Lines.Length);
        var seen = new HashSet<string>(reply.Lines.Length, StringComparer.OrdinalIgnoreCase);
        var endsWithOk = false;
        for (var i = 1; i < reply.Lines.Length; i++)
        {
            var text = reply.Lines[i].Trim();
            if (i == reply.Lines.Length - 1 && string.Equals(text, "OK", StringComparison.OrdinalIgnoreCase))
            {
                endsWithOk = true;
                continue;
            }

            if (text.Length == 0)
            {
                continue;
            }

            var keyword = EhloKeyword.Parse(text);
            if (!keyword.HasValidSyntax)
            {
                anomalies.Add(new ReplyAnomaly(i, ReplyAnomalyKind.InvalidKeywordSyntax, text));
            }

            if (!seen.Add(keyword.Name))
            {
                anomalies.Add(new ReplyAnomaly(i, ReplyAnomalyKind.DuplicateKeyword, keyword.Name));
                continue;
            }

            keywords.Add(keyword);
        }

        var greeting = reply.Lines.IsDefaultOrEmpty ? string.Empty : reply.Lines[0].Trim();
        return new EhloResponse(greeting, keywords.ToImmutable(), endsWithOk, anomalies.ToImmutable());
    }
}
