using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Classification;

namespace ExchangeSmtpFleet.Jobs;

/// <summary>What <c>/metrics</c> says about the fleet, read from the audit database when Prometheus scrapes.</summary>
/// <param name="DatabaseUp">Whether the database answered.</param>
/// <param name="Counts">Hosts per verdict of the newest completed run (empty when none).</param>
/// <param name="NewProblems">Hosts healthy in the run before and not healthy in it.</param>
/// <param name="CompletedAt">When the newest completed run finished, or null.</param>
/// <param name="Duration">How long it took, or null.</param>
/// <param name="LatestStatus">The status of the newest run (any status), or null when there is none.</param>
internal sealed record FleetState(
    bool DatabaseUp,
    IReadOnlyDictionary<Verdict, int> Counts,
    int NewProblems,
    DateTimeOffset? CompletedAt,
    TimeSpan? Duration,
    AuditRunStatus? LatestStatus)
{
    /// <summary>Before the first scrape, or when the database failed.</summary>
    public static FleetState Unknown(bool databaseUp) => new(databaseUp, new Dictionary<Verdict, int>(), 0, null, null, null);

    /// <summary>Hosts of the newest completed run in <paramref name="group"/>.</summary>
    public int InGroup(VerdictGroup group) => Counts.Where(c => VerdictGroups.Of(c.Key) == group).Sum(c => c.Value);
}
