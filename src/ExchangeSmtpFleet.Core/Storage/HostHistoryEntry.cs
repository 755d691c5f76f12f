using System.Collections.Immutable;
using ExchangeSmtpFleet.Core.Classification;

namespace ExchangeSmtpFleet.Core.Storage;

/// <summary>One run's verdict on one host.</summary>
/// <param name="RunId">The run.</param>
/// <param name="StartedAt">When the run started (UTC).</param>
/// <param name="Verdict">The verdict.</param>
/// <param name="Reason">Its reason.</param>
/// <param name="Missing">Required keywords that were not advertised.</param>
public sealed record HostHistoryEntry(string RunId, DateTimeOffset StartedAt, Verdict Verdict, Reason Reason, ImmutableArray<string> Missing);
