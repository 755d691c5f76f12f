namespace ExchangeSmtpFleet.Core.Auditing;

/// <summary>What a pipeline audit audits and how it is split (configuration section <c>Audit</c> in the executable).</summary>
/// <param name="InventoryPath">The inventory file.</param>
/// <param name="BatchSize">Hosts per batch job.</param>
/// <param name="Concurrency">Most hosts one batch probes at the same time.</param>
/// <param name="Email">Whether the report is mailed.</param>
/// <param name="StaleAfter">A running audit older than this no longer stops a new one (its process is gone).</param>
public sealed record AuditPlan(string InventoryPath, int BatchSize, int Concurrency, bool Email, TimeSpan StaleAfter);
