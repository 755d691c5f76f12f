namespace ExchangeSmtpFleet.Core.Classification;

/// <summary>What is fixed per finding code: its severity and how many values its message names.</summary>
public static class FindingCatalog
{
    /// <summary>How much a finding of <paramref name="code"/> matters.</summary>
    public static FindingSeverity SeverityOf(FindingCode code) => code switch
    {
        FindingCode.ReplyCodeAnomaly or FindingCode.ReplySyntaxAnomaly or FindingCode.ReplyTruncated or FindingCode.KeywordAnomaly
            or FindingCode.UnexpectedKeywords or FindingCode.DialogueEndedEarly or FindingCode.StartTlsAfterTls
            or FindingCode.PostTlsKeywordsDiffer => FindingSeverity.Info,
        FindingCode.BannerNameMismatch or FindingCode.BannerFamilyMismatch or FindingCode.ImplausibleVersion
            or FindingCode.InternalKeywordsExposed or FindingCode.UnusualGreetingCode or FindingCode.SlowGreeting
            or FindingCode.HeloFallback or FindingCode.StartTlsNotAdvertised or FindingCode.StartTlsFailed
            or FindingCode.CertificateExpiring or FindingCode.CertificateNotTrusted or FindingCode.UnsolicitedData => FindingSeverity.Warning,
        FindingCode.CertificateExpired => FindingSeverity.Error,
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, "finding code without a severity"),
    };

    /// <summary>How many values (<c>{0}</c>, <c>{1}</c>, ...) the message of <paramref name="code"/> names.</summary>
    public static int ArgumentCount(FindingCode code) => code switch
    {
        FindingCode.StartTlsNotAdvertised or FindingCode.StartTlsAfterTls => 0,
        FindingCode.InternalKeywordsExposed or FindingCode.UnusualGreetingCode or FindingCode.SlowGreeting
            or FindingCode.HeloFallback or FindingCode.StartTlsFailed or FindingCode.ImplausibleVersion => 1,
        FindingCode.ReplyCodeAnomaly or FindingCode.ReplySyntaxAnomaly or FindingCode.ReplyTruncated or FindingCode.KeywordAnomaly
            or FindingCode.UnexpectedKeywords or FindingCode.BannerNameMismatch or FindingCode.DialogueEndedEarly
            or FindingCode.PostTlsKeywordsDiffer or FindingCode.CertificateExpired or FindingCode.CertificateExpiring
            or FindingCode.CertificateNotTrusted or FindingCode.UnsolicitedData => 2,
        FindingCode.BannerFamilyMismatch => 3,
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, "finding code without an argument count"),
    };
}
