namespace ExchangeSmtpFleet.Core.Protocol;

/// <summary>Bounds on untrusted SMTP input. A reply that breaks them ends the session.</summary>
/// <param name="MaxLineLength">Characters per line, without CRLF. RFC 5321 4.5.3.1.5 allows 512
/// octets including the code; real servers exceed that, so the default is generous.</param>
/// <param name="MaxLinesPerReply">Lines in one multi-line reply.</param>
public sealed record ReplyLimits(int MaxLineLength = 2048, int MaxLinesPerReply = 200)
{
    /// <summary>The defaults used by the probe and the transcript reader.</summary>
    public static ReplyLimits Default { get; } = new();
}
