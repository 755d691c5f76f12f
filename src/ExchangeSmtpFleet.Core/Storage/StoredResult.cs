using System.Collections.Immutable;
using ExchangeSmtpFleet.Core.Classification;

namespace ExchangeSmtpFleet.Core.Storage;

/// <summary>One host's stored result of a run, with the inventory row it was audited for and where its verdict stands.</summary>
/// <param name="HostKey">The host's identity (<c>host:port</c>).</param>
/// <param name="Host">The host as the inventory names it.</param>
/// <param name="Port">The TCP port.</param>
/// <param name="Name">The inventory's name.</param>
/// <param name="Site">The inventory's site.</param>
/// <param name="Owner">The inventory's owner.</param>
/// <param name="Profile">The profile it was judged against.</param>
/// <param name="Verdict">The verdict.</param>
/// <param name="Reason">Its reason.</param>
/// <param name="Family">The detected server family.</param>
/// <param name="Banner">The greeting's first line.</param>
/// <param name="Missing">Required keywords not advertised.</param>
/// <param name="Detail">The failure detail, when a failure decided the verdict.</param>
/// <param name="ProbedAt">When the probe started (UTC).</param>
/// <param name="PreviousVerdict">The host's verdict in the run before, null when there was none (or it is unknown).</param>
/// <param name="VerdictSince">Start of the first run of the host's current streak of this verdict (UTC), null when unknown.</param>
public sealed record StoredResult(
    string HostKey,
    string Host,
    int Port,
    string? Name,
    string? Site,
    string? Owner,
    string Profile,
    Verdict Verdict,
    Reason Reason,
    string Family,
    string? Banner,
    ImmutableArray<string> Missing,
    string? Detail,
    DateTimeOffset ProbedAt,
    Verdict? PreviousVerdict,
    DateTimeOffset? VerdictSince)
{
    /// <summary>
    /// The inventory's <c>Comment</c> column for the host (e.g. "XEXCH50 disabled on purpose"), null when the inventory has
    /// none or the store does not keep it. The report shows it where it is known.
    /// </summary>
    public string? Comment { get; init; }
}
