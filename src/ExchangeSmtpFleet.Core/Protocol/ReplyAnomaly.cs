namespace ExchangeSmtpFleet.Core.Protocol;

/// <summary>A tolerated deviation from RFC 5321, kept as evidence.</summary>
/// <param name="LineIndex">0-based index of the line inside its reply.</param>
/// <param name="Kind">What was wrong.</param>
/// <param name="Detail">The offending text or a short explanation.</param>
public readonly record struct ReplyAnomaly(int LineIndex, ReplyAnomalyKind Kind, string Detail);
