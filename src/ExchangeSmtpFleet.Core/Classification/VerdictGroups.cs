namespace ExchangeSmtpFleet.Core.Classification;

/// <summary>The group of every verdict (<see cref="VerdictGroup"/>), the same in the workbook, the mail, the dashboard, the CLI; its colours are <c>VerdictStyle</c>'s.</summary>
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

    /// <summary>Whether the host could not be checked: unreachable, refused, not SMTP (the host's or the network's problem, not Exchange's).</summary>
    /// <param name="verdict">The verdict.</param>
    public static bool CouldNotCheck(Verdict verdict) => Of(verdict) == VerdictGroup.CouldNotCheck;
}
