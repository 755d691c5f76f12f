using System.Text.RegularExpressions;
using ExchangeSmtpFleet.Core.Classification;

namespace ExchangeSmtpFleet.Core.Knowledge;

/// <summary>
/// A server family and what gave it away (<see cref="FamilyDetector"/>) for people: the family's id, which names a
/// product, except for "unknown" and "masked"; the evidence, stored in English, in the reader's language.
/// </summary>
public static partial class FamilyText
{
    // The phrases FamilyDetector writes, longest first; the keywords and quoted replies inside them stay as they are.
    private static readonly (string English, string German)[] Phrases =
    [
        ("keyword PRDR or Exim greeting with HELP", "Verb PRDR oder Exim-Begrüßung mit HELP"),
        ("greeting or keywords EXPN/VERB/DELIVERBY", "Begrüßung oder Verben EXPN/VERB/DELIVERBY"),
        ("no known banner or keyword pattern", "kein bekanntes Muster in Banner oder Verben"),
        ("bare greeting, PIPELINING first", "Begrüßung nur mit dem Namen, PIPELINING zuerst"),
        ("keywords masked as XXXXXXXA", "Verben als XXXXXXXA maskiert"),
        ("greeting '<name> Hello [ip]'", "Begrüßung '<name> Hello [ip]'"),
        ("banner masked with '*'", "Banner mit '*' maskiert"),
        ("final line '250 OK'", "letzte Zeile '250 OK'"),
        ("lower-case 8bitmime", "8bitmime kleingeschrieben"),
        ("without IIS tells", "ohne IIS-Merkmale"),
        ("no further tells", "keine weiteren Merkmale"),
        ("no EHLO keywords", "keine EHLO-Verben"),
        ("IIS banner", "IIS-Banner"),
    ];

    /// <summary>The family for people: its id, or "unknown"/"masked by a firewall" in <paramref name="language"/>.</summary>
    /// <param name="family">The family's id (<see cref="ServerFamily"/>).</param>
    /// <param name="language">The language.</param>
    public static string Family(string family, Language language) => family switch
    {
        ServerFamily.Unknown => KnowledgeBase.BuiltIn.LabelText(Label.FamilyUnknown, language),
        ServerFamily.Masked => KnowledgeBase.BuiltIn.LabelText(Label.FamilyMasked, language),
        _ => family,
    };

    /// <summary>What gave the family away, in <paramref name="language"/>; words it does not know stay as stored.</summary>
    /// <param name="evidence">The evidence as stored (English).</param>
    /// <param name="language">The language.</param>
    public static string Evidence(string evidence, Language language)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        if (language == Language.English)
        {
            return evidence;
        }

        var text = evidence;
        foreach (var (english, german) in Phrases)
        {
            text = text.Replace(english, german, StringComparison.Ordinal);
        }

        text = Keyword().Replace(text, "Verb ");
        text = text.Replace(" with ", " mit ", StringComparison.Ordinal);
        return text == "banner" ? "Banner" : text;
    }

    [GeneratedRegex(@"\bkeyword ", RegexOptions.CultureInvariant)]
    private static partial Regex Keyword();
}
