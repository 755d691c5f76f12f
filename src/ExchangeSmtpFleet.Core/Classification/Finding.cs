namespace ExchangeSmtpFleet.Core.Classification;

/// <summary>A secondary observation that does not change the verdict (SPEC 3).</summary>
/// <param name="Code">Stable machine code, e.g. <c>ReplyCodeAnomaly</c>.</param>
/// <param name="Severity">How much it matters.</param>
/// <param name="Message">English text for people.</param>
public sealed record Finding(string Code, FindingSeverity Severity, string Message);
