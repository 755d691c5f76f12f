namespace ExchangeSmtpFleet.Core.Knowledge;

/// <summary>
/// The labels of what people read next to the knowledge base's texts (terminal, report, e-mail). Each has an English and
/// a German text in <c>knowledge.json</c>; a missing one fails when the knowledge base loads.
/// </summary>
public enum Label
{
    /// <summary>"Verdict".</summary>
    Verdict,

    /// <summary>"Reason".</summary>
    Reason,

    /// <summary>"Family".</summary>
    Family,

    /// <summary>"Profile".</summary>
    Profile,

    /// <summary>"Banner".</summary>
    Banner,

    /// <summary>"Detail".</summary>
    Detail,

    /// <summary>"Keywords".</summary>
    Keywords,

    /// <summary>"After STARTTLS" (the keywords advertised after the TLS upgrade).</summary>
    PostTlsKeywords,

    /// <summary>"Missing".</summary>
    Missing,

    /// <summary>"Unexpected".</summary>
    Unexpected,

    /// <summary>"Finding".</summary>
    Finding,

    /// <summary>"Probable causes".</summary>
    Causes,

    /// <summary>"Prerequisite".</summary>
    Prerequisite,

    /// <summary>"Warning" (of a procedure).</summary>
    Warning,

    /// <summary>"(none)".</summary>
    None,

    /// <summary>The name of <see cref="Classification.FindingSeverity.Info"/>.</summary>
    SeverityInfo,

    /// <summary>The name of <see cref="Classification.FindingSeverity.Warning"/>.</summary>
    SeverityWarning,

    /// <summary>The name of <see cref="Classification.FindingSeverity.Error"/>.</summary>
    SeverityError,
}
