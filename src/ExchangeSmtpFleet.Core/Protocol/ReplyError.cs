namespace ExchangeSmtpFleet.Core.Protocol;

/// <summary>Why a reply could not be read.</summary>
public enum ReplyError
{
    /// <summary>A line is not <c>ddd[-| ]text</c>.</summary>
    NotSmtp,

    /// <summary>A line exceeds <see cref="ReplyLimits.MaxLineLength"/>.</summary>
    LineTooLong,

    /// <summary>A reply exceeds <see cref="ReplyLimits.MaxLinesPerReply"/>.</summary>
    ReplyTooLong,
}
