namespace ExchangeSmtpFleet.Core.Protocol;

/// <summary>Deviations from RFC 5321 that a reader tolerates and records.</summary>
public enum ReplyAnomalyKind
{
    /// <summary>A line's code differs from the first line's (RFC 5321 4.2.1 says they MUST be equal;
    /// the Exchange 2003 documentation itself shows <c>240-X-EXPS=LOGIN</c> inside a 250 reply).</summary>
    CodeMismatch,

    /// <summary>An EHLO line that is not <c>ehlo-keyword *(SP ehlo-param)</c> (RFC 5321 4.1.1.1).</summary>
    InvalidKeywordSyntax,

    /// <summary>The same keyword advertised twice.</summary>
    DuplicateKeyword,

    /// <summary>The reply ended without a final line (input ended after a <c>ddd-</c> line).</summary>
    Truncated,

    /// <summary>A line had no separator after the code but more text (e.g. <c>250OK</c>).</summary>
    MissingSeparator,
}
