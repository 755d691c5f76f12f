namespace ExchangeSmtpFleet.Core.Classification;

/// <summary>The group of every verdict (<see cref="VerdictGroup"/>) and the colour it is shown in, the same in the workbook, the mail, the dashboard.</summary>
public static class VerdictGroups
{
    /// <summary>The group a verdict belongs to.</summary>
    /// <param name="verdict">The verdict.</param>
    public static VerdictGroup Of(Verdict verdict) => verdict switch
    {
        Verdict.Healthy => VerdictGroup.Healthy,
        Verdict.MissingSinks or Verdict.SuspectedMetabaseCorruption => VerdictGroup.NeedsAction,
        Verdict.UnexpectedServer => VerdictGroup.Other,
        _ => VerdictGroup.CouldNotCheck,
    };

    /// <summary>Whether an Exchange administrator has to act on a host with this verdict.</summary>
    /// <param name="verdict">The verdict.</param>
    public static bool NeedsAction(Verdict verdict) => Of(verdict) == VerdictGroup.NeedsAction;

    /// <summary>
    /// The colour of a verdict as <c>RRGGBB</c>: healthy green, missing sinks red, metabase amber, another server blue,
    /// could-not-check grey. Distinct in print and for the common colour blindnesses by lightness as well as hue.
    /// </summary>
    /// <param name="verdict">The verdict.</param>
    public static string Color(Verdict verdict) => verdict switch
    {
        Verdict.Healthy => "2E7D32",
        Verdict.MissingSinks => "C62828",
        Verdict.SuspectedMetabaseCorruption => "EF8F00",
        Verdict.UnexpectedServer => "1565C0",
        _ => "757575",
    };
}
