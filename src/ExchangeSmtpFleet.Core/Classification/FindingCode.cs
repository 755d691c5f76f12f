namespace ExchangeSmtpFleet.Core.Classification;

/// <summary>
/// The catalogue of finding codes (SPEC 3): secondary observations that never change the verdict. The names are
/// exported and stored and the values are pinned, so never rename or renumber one; messages for each code, in
/// English and German, are in the knowledge base (<see cref="Knowledge.KnowledgeBase.Describe(Finding, Knowledge.Language)"/>).
/// </summary>
public enum FindingCode
{
    /// <summary>A reply line's code differs from the reply's (the seed's <c>240-X-EXPS=LOGIN</c> inside a 250 reply).</summary>
    ReplyCodeAnomaly = 1,

    /// <summary>A reply line breaks RFC 5321 4.2 syntax in a way the parser tolerated.</summary>
    ReplySyntaxAnomaly = 2,

    /// <summary>A reply ended without its final line.</summary>
    ReplyTruncated = 3,

    /// <summary>An EHLO keyword with invalid syntax, or advertised twice.</summary>
    KeywordAnomaly = 4,

    /// <summary>Keywords the profile neither requires nor allows.</summary>
    UnexpectedKeywords = 5,

    /// <summary>The banner or EHLO greeting names another server than the inventory.</summary>
    BannerNameMismatch = 6,

    /// <summary>Banner and keywords point to different families: a proxy or gateway may answer.</summary>
    BannerFamilyMismatch = 7,

    /// <summary>An IIS version that cannot carry Exchange 2000/2003 keywords.</summary>
    ImplausibleVersion = 8,

    /// <summary>Exchange-internal keywords offered to an anonymous client.</summary>
    InternalKeywordsExposed = 9,

    /// <summary>A positive greeting with another code than 220.</summary>
    UnusualGreetingCode = 10,

    /// <summary>The greeting took longer than <see cref="FindingRules.SlowGreetingThreshold"/>.</summary>
    SlowGreeting = 11,

    /// <summary>EHLO refused, HELO accepted.</summary>
    HeloFallback = 12,

    /// <summary>The dialogue failed after the EHLO reply (the verdict rests on that reply).</summary>
    DialogueEndedEarly = 13,

    /// <summary>Exchange 2007+ without STARTTLS: no certificate for the receive connector.</summary>
    StartTlsNotAdvertised = 14,

    /// <summary>STARTTLS was advertised but the upgrade failed.</summary>
    StartTlsFailed = 15,

    /// <summary>STARTTLS advertised again after TLS (RFC 3207 4.2 forbids it).</summary>
    StartTlsAfterTls = 16,

    /// <summary>The keyword list after STARTTLS differs from the one before.</summary>
    PostTlsKeywordsDiffer = 17,

    /// <summary>The server certificate has expired.</summary>
    CertificateExpired = 18,

    /// <summary>The server certificate expires within <see cref="FindingRules.CertificateWarningWindow"/>.</summary>
    CertificateExpiring = 19,

    /// <summary>The server certificate does not validate (chain or name).</summary>
    CertificateNotTrusted = 20,

    /// <summary>The server sent lines after its greeting before the EHLO (RFC 5321 4.3.1 forbids unsolicited replies).</summary>
    UnsolicitedData = 21,
}
