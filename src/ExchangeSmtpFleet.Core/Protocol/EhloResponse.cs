using System.Collections.Immutable;

namespace ExchangeSmtpFleet.Core.Protocol;

/// <summary>
/// A positive EHLO reply split into greeting and keywords. The first line is always the greeting
/// (<c>Domain [SP ehlo-greet]</c>, RFC 5321 4.1.1.1), never a keyword. The <c>250 OK</c> that IIS sends as
/// its last line is not an extension and is recorded in <see cref="EndsWithOk"/> instead.
/// </summary>
public sealed record EhloResponse(
    string Greeting,
    ImmutableArray<EhloKeyword> Keywords,
    bool EndsWithOk,
    ImmutableArray<ReplyAnomaly> Anomalies)
{
    /// <summary>The domain the server named in its greeting line.</summary>
    public string GreetingDomain
    {
        get
        {
            var space = Greeting.IndexOf(' ', StringComparison.Ordinal);
            return space < 0 ? Greeting.Trim() : Greeting[..space];
        }
    }

    private Dictionary<string, EhloKeyword>? _byName;

    /// <summary>Keywords by name, case-insensitive (built on first use: the classifier asks dozens of times).</summary>
    private Dictionary<string, EhloKeyword> ByName =>
        _byName ??= Keywords.ToDictionary(k => k.Name, StringComparer.OrdinalIgnoreCase);

    public bool Has(string keyword) => ByName.ContainsKey(keyword);

    public EhloKeyword? Find(string keyword) => ByName.TryGetValue(keyword, out var k) ? k : null;

    /// <summary>Splits a reply into greeting and keywords, recording syntax anomalies.</summary>
    public static EhloResponse FromReply(SmtpReply reply)
    {
        var anomalies = ImmutableArray.CreateBuilder<ReplyAnomaly>();
        anomalies.AddRange(reply.Anomalies);
        var keywords = ImmutableArray.CreateBuilder<EhloKeyword>(reply.Lines.Length);
        var byName = new Dictionary<string, EhloKeyword>(reply.Lines.Length, StringComparer.OrdinalIgnoreCase);
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

            if (!byName.TryAdd(keyword.Name, keyword))
            {
                anomalies.Add(new ReplyAnomaly(i, ReplyAnomalyKind.DuplicateKeyword, keyword.Name));
                continue;
            }

            keywords.Add(keyword);
        }

        var greeting = reply.Lines.IsDefaultOrEmpty ? string.Empty : reply.Lines[0].Trim();
        return new EhloResponse(greeting, keywords.ToImmutable(), endsWithOk, anomalies.ToImmutable()) { _byName = byName };
    }
}
