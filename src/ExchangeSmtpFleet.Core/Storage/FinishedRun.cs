using ExchangeSmtpFleet.Core.Auditing;

namespace ExchangeSmtpFleet.Core.Storage;

/// <summary>A run after <see cref="IRunWriter.FinishRunAsync"/>.</summary>
/// <param name="Status">Its status now.</param>
/// <param name="FinishedAt">When it ended (UTC).</param>
/// <param name="HostsWithoutResult">Hosts of its inventory without a result.</param>
/// <param name="FirstWithoutResult">The first of them in file order, or null.</param>
public sealed record FinishedRun(AuditRunStatus Status, DateTimeOffset? FinishedAt, int HostsWithoutResult, string? FirstWithoutResult);
