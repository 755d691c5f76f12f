using System.Collections.Immutable;

namespace ExchangeSmtpFleet.Core.Storage;

/// <summary>The changes of a run against an earlier one.</summary>
/// <param name="RunId">The later run.</param>
/// <param name="SinceRunId">The earlier run; null when there was none (every host is then Added).</param>
/// <param name="Changes">Every host that is not healthy in both, ordered by kind and host.</param>
public sealed record RunChanges(string RunId, string? SinceRunId, ImmutableArray<HostChange> Changes);
