namespace ExchangeSmtpFleet.Core.Classification;

/// <summary>How much a secondary observation matters.</summary>
public enum FindingSeverity
{
    Info,
    Warning,
    Error,
}
