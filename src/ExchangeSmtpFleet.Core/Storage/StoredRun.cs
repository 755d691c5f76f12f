using System.Collections.Immutable;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Classification;

namespace ExchangeSmtpFleet.Core.Storage;

/// <summary>A run as stored, with its counts per verdict.</summary>
/// <param name="RunId">The run id.</param>
/// <param name="Kind">What started it (<c>scan</c>, <c>audit</c>).</param>
/// <param name="StartedAt">Start (UTC).</param>
/// <param name="FinishedAt">End (UTC); null while running or when the process died.</param>
/// <param name="Status">How it stands.</param>
/// <param name="InventoryPath">The inventory file.</param>
/// <param name="HostCount">Hosts it was to audit.</param>
/// <param name="ToolVersion">The esfleet version that ran it.</param>
/// <param name="Counts">Stored results per verdict, every verdict present.</param>
public sealed record StoredRun(
    string RunId,
    string Kind,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    AuditRunStatus Status,
    string InventoryPath,
    int HostCount,
    string ToolVersion,
    ImmutableArray<KeyValuePair<Verdict, int>> Counts)
{
    /// <summary>Hosts with a stored result.</summary>
    public int Results => Counts.Sum(c => c.Value);
}
