namespace ExchangeSmtpFleet.Core.Storage;

/// <summary>A run made by the job pipeline: how it is split into batches.</summary>
/// <param name="RunId">The run.</param>
/// <param name="StartedAt">When it began.</param>
/// <param name="Status">Its status.</param>
/// <param name="HostCount">Hosts in its inventory.</param>
/// <param name="BatchCount">How many batches.</param>
/// <param name="BatchSize">Hosts per batch.</param>
public sealed record PipelineRun(string RunId, DateTimeOffset StartedAt, Auditing.AuditRunStatus Status, int HostCount, int BatchCount, int BatchSize);
