namespace ExchangeSmtpFleet.Core.Classification;

/// <summary>How much a secondary observation matters. Stored by name; the values are pinned.</summary>
public enum FindingSeverity
{
    /// <summary>Worth knowing; nothing to do.</summary>
    Info = 0,

    /// <summary>Worth a look by the mail team.</summary>
    Warning = 1,

    /// <summary>Needs action, although the verdict does not show it (an expired certificate).</summary>
    Error = 2,
}
