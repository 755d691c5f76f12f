using System.Text.RegularExpressions;
using ExchangeSmtpFleet.Core.Protocol;

namespace ExchangeSmtpFleet.Core.Classification;

/// <summary>
/// Detects the server family from the banner and the EHLO keywords. Administrators often replace
/// the banner, so every Microsoft family is also recognised from keywords alone, and keywords that
/// only Exchange advertises win over a banner that names another product.
/// </summary>
public static partial class FamilyDetector
{
    // Keywords that only Exchange 2007+ transport advertises (TechNet dd535395, decompiled EhloOptions).
    private static readonly string[] Exchange2007Tells =
    [
        "X-ANONYMOUSTLS", "XRDST", "XSHADOW", "XSHADOWREQUEST", "X-EXCHANGEAUTH", "XOORG", "XPROXY",
        "XPROXYFROM", "XPROXYTO", "XSESSIONPARAMS", "XATTR", "XSYSPROBE", "XMSGID", "XORIGFROM",
        "X-MESSAGECONTEXT", "XLONGADDR", "XORAR",
    ];

    // Keywords that Exchange (2000 and later) adds through its event sinks.
    private static readonly string[] ExchangeKeywords = ["X-EXPS", "X-EXPS=LOGIN", "XEXCH50", "X-LINK2STATE"];

    /// <summary>Detects the family. <paramref name="ehlo"/> is null when EHLO was refused or never answered.</summary>
    public static FamilyDetection Detect(string? banner, EhloResponse? ehlo)
    {
        var (bannerFamily, version) = FromBanner(banner);
        if (bannerFamily == ServerFamily.Masked || (ehlo is not null && IsMasked(ehlo)))
        {
            return new FamilyDetection(ServerFamily.Masked,
                bannerFamily == ServerFamily.Masked ? "banner masked with '*'" : "keywords masked as XXXXXXXA", version, bannerFamily);
        }

        if (ehlo is null)
        {
            return new FamilyDetection(bannerFamily ?? ServerFamily.Unknown, bannerFamily is null ? "no EHLO keywords" : "banner", version, bannerFamily);
        }

        var fromKeywords = FromKeywords(ehlo, bannerFamily);
        if (fromKeywords is not null)
        {
            return fromKeywords with { Version = version, BannerFamily = bannerFamily };
        }

        if (bannerFamily is not null)
        {
            return new FamilyDetection(bannerFamily, "banner", version, bannerFamily);
        }

        return FromWeakTells(ehlo) ?? new FamilyDetection(ServerFamily.Unknown, "no known banner or keyword pattern");
    }

    /// <summary>True when a firewall has masked the banner (<c>220 *****</c>, Cisco PIX/ASA inspection).</summary>
    public static bool IsMaskedBanner(string? banner)
    {
        if (string.IsNullOrWhiteSpace(banner))
        {
            return false;
        }

        int stars = 0, others = 0;
        foreach (var c in banner)
        {
            if (c == '*')
            {
                stars++;
            }
            else if (!char.IsWhiteSpace(c))
            {
                others++;
            }
        }

        return stars >= 4 && stars >= others;
    }

    private static bool IsMasked(EhloResponse ehlo) =>
        ehlo.Keywords.Any(k => MaskedKeyword().IsMatch(k.Name)) || IsMaskedBanner(ehlo.Greeting);

    private static (string? Family, string? Version) FromBanner(string? banner)
    {
        if (string.IsNullOrWhiteSpace(banner))
        {
            return (null, null);
        }

        if (IsMaskedBanner(banner))
        {
            return (ServerFamily.Masked, null);
        }

        var iis = IisBanner().Match(banner);
        if (iis.Success)
        {
            return (ServerFamily.MicrosoftIis, iis.Groups["version"].Value);
        }

        if (Microsoft365Banner().IsMatch(banner))
        {
            return (ServerFamily.Microsoft365, null);
        }

        if (banner.Contains("Microsoft ESMTP MAIL Service ready at", StringComparison.OrdinalIgnoreCase))
        {
            return (ServerFamily.MicrosoftExchange2007Plus, null);
        }

        if (banner.Contains("Microsoft Exchange Internet Mail Service", StringComparison.OrdinalIgnoreCase))
        {
            var v = Version().Match(banner);
            return (ServerFamily.MicrosoftExchange55, v.Success ? v.Value : null);
        }

        (string Needle, string Family)[] products =
        [
            ("Postfix", ServerFamily.Postfix), ("Sendmail", ServerFamily.Sendmail), ("Exim", ServerFamily.Exim),
            ("Domino", ServerFamily.Domino), ("MDaemon", ServerFamily.MDaemon), ("hMailServer", ServerFamily.HMailServer),
        ];
        foreach (var (needle, family) in products)
        {
            if (banner.Contains(needle, StringComparison.OrdinalIgnoreCase))
            {
                var v = Version().Match(banner);
                return (family, v.Success ? v.Value : null);
            }
        }

        return (null, null);
    }

    private static FamilyDetection? FromKeywords(EhloResponse ehlo, string? bannerFamily)
    {
        // X-LINK2STATE exists only in Exchange 2000/2003 (link-state routing, KB 812455).
        if (ehlo.Has("X-LINK2STATE"))
        {
            return new FamilyDetection(ServerFamily.MicrosoftExchange2003, "keyword X-LINK2STATE");
        }

        var tell2007 = Exchange2007Tells.FirstOrDefault(ehlo.Has);
        if (tell2007 is not null)
        {
            return new FamilyDetection(bannerFamily == ServerFamily.Microsoft365 ? ServerFamily.Microsoft365 : ServerFamily.MicrosoftExchange2007Plus,
                $"keyword {tell2007}");
        }

        var exchangeKeyword = ExchangeKeywords.FirstOrDefault(ehlo.Has);
        var iisTells = IisTells(ehlo);
        if (exchangeKeyword is not null)
        {
            // X-EXPS and XEXCH50 exist in 2000-2016; the IIS tells (TURN, ATRN, "250 OK", lower-case 8bitmime)
            // never appear on 2007+ transport.
            // The "<name> Hello [ip]" greeting is shared with 2007+, so it alone does not make a 2003.
            var strongTells = iisTells.Count(t => !t.StartsWith("greeting", StringComparison.Ordinal));
            if (strongTells > 0 || bannerFamily == ServerFamily.MicrosoftIis)
            {
                return new FamilyDetection(ServerFamily.MicrosoftExchange2003, $"keyword {exchangeKeyword} with {DescribeTells(iisTells, bannerFamily)}");
            }

            // Without IIS tells X-EXPS/XEXCH50 point to 2007+, unless the banner names another product that has them
            // (the Exchange 5.5 Internet Mail Service advertises XEXCH50).
            if (bannerFamily is null or ServerFamily.MicrosoftExchange2007Plus or ServerFamily.Microsoft365)
            {
                return new FamilyDetection(bannerFamily ?? ServerFamily.MicrosoftExchange2007Plus, $"keyword {exchangeKeyword} without IIS tells");
            }

            return null;
        }

        if (bannerFamily == ServerFamily.MicrosoftIis || (bannerFamily is null && iisTells.Count >= 2))
        {
            return new FamilyDetection(ServerFamily.MicrosoftIis, DescribeTells(iisTells, bannerFamily));
        }

        return null;
    }

    private static string DescribeTells(List<string> tells, string? bannerFamily)
    {
        var all = new List<string>(tells);
        if (bannerFamily == ServerFamily.MicrosoftIis)
        {
            all.Insert(0, "IIS banner");
        }

        return all.Count == 0 ? "no further tells" : string.Join(", ", all);
    }

    /// <summary>Traits of the Windows (IIS) SMTP service that other servers do not show.</summary>
    private static List<string> IisTells(EhloResponse ehlo)
    {
        var tells = new List<string>();
        if (ehlo.EndsWithOk)
        {
            tells.Add("final line '250 OK'");
        }

        if (ehlo.Keywords.Any(k => k.Raw.StartsWith("8bitmime", StringComparison.Ordinal)))
        {
            tells.Add("lower-case 8bitmime");
        }

        foreach (var verb in new[] { "TURN", "ATRN" })
        {
            if (ehlo.Has(verb))
            {
                tells.Add($"keyword {verb}");
            }
        }

        if (IisGreeting().IsMatch(ehlo.Greeting))
        {
            tells.Add("greeting '<name> Hello [ip]'");
        }

        return tells;
    }

    private static FamilyDetection? FromWeakTells(EhloResponse ehlo)
    {
        if (ehlo.Greeting.Contains("pleased to meet you", StringComparison.OrdinalIgnoreCase)
            || ehlo.Has("DELIVERBY") || (ehlo.Has("EXPN") && ehlo.Has("VERB")))
        {
            return new FamilyDetection(ServerFamily.Sendmail, "greeting or keywords EXPN/VERB/DELIVERBY");
        }

        if (ehlo.Has("PRDR") || (EximGreeting().IsMatch(ehlo.Greeting) && ehlo.Has("HELP")))
        {
            return new FamilyDetection(ServerFamily.Exim, "keyword PRDR or Exim greeting with HELP");
        }

        // Postfix greets with the bare host name and advertises no X- keywords.
        var bare = !ehlo.Greeting.Contains(' ', StringComparison.Ordinal);
        if (bare && ehlo.Keywords.Length > 0 && ehlo.Keywords[0].Name == "PIPELINING"
            && !ehlo.Keywords.Any(k => k.Name.StartsWith('X')))
        {
            return new FamilyDetection(ServerFamily.Postfix, "bare greeting, PIPELINING first");
        }

        return null;
    }

    [GeneratedRegex(@"Microsoft ESMTP MAIL Service, Version: (?<version>\d+\.\d+\.\d+(\.\d+)?)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex IisBanner();

    [GeneratedRegex(@"\.(mail\.protection\.outlook\.com|outlook\.office365\.com|outlook\.com)\b.*Microsoft ESMTP MAIL Service", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Microsoft365Banner();

    [GeneratedRegex(@"\d+(\.\d+)+", RegexOptions.CultureInvariant)]
    private static partial Regex Version();

    [GeneratedRegex(@"^X{4,}A?$", RegexOptions.CultureInvariant)]
    private static partial Regex MaskedKeyword();

    [GeneratedRegex(@"^\S+ Hello \[[^\]\s]+\]$", RegexOptions.CultureInvariant)]
    private static partial Regex IisGreeting();

    [GeneratedRegex(@"^\S+ Hello \S+ \[[0-9A-Fa-f.:]+\]", RegexOptions.CultureInvariant)]
    private static partial Regex EximGreeting();
}
