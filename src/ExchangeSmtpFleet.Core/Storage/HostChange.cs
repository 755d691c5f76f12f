using ExchangeSmtpFleet.Core.Classification;

namespace ExchangeSmtpFleet.Core.Storage;

/// <summary>One host whose state differs between two runs (or that is still failing).</summary>
/// <param name="HostKey">Its identity (<c>host:port</c>).</param>
/// <param name="Name">The inventory's name for it (of the later run when it has one).</param>
/// <param name="Kind">How it moved.</param>
/// <param name="Before">Its verdict in the earlier run; null when added.</param>
/// <param name="After">Its verdict in the later run; null when removed.</param>
public sealed record HostChange(string HostKey, string? Name, ChangeKind Kind, Verdict? Before, Verdict? After)
{
    /// <summary>Classifies a host's move from <paramref name="before"/> to <paramref name="after"/>; null when it stayed healthy.</summary>
    /// <param name="hostKey">The host.</param>
    /// <param name="name">Its name.</param>
    /// <param name="before">The earlier verdict, or null.</param>
    /// <param name="after">The later verdict, or null.</param>
    public static HostChange? Between(string hostKey, string? name, Verdict? before, Verdict? after)
    {
        ChangeKind? kind = (before, after) switch
        {
            (null, null) => null,
            (null, _) => ChangeKind.Added,
            (_, null) => ChangeKind.Removed,
            (Verdict.Healthy, Verdict.Healthy) => null,
            (Verdict.Healthy, _) => ChangeKind.NewProblem,
            (_, Verdict.Healthy) => ChangeKind.Recovered,
            var (b, a) when b == a => ChangeKind.StillFailing,
            _ => ChangeKind.VerdictChanged,
        };
        return kind is { } k ? new HostChange(hostKey, name, k, before, after) : null;
    }
}
