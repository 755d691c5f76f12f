using ExchangeSmtpFleet.Core.Inventory;

namespace ExchangeSmtpFleet.Core.Auditing;

/// <summary>What to audit and how wide.</summary>
/// <param name="Kind">The word the run id starts with (<c>scan</c>, <c>audit</c>).</param>
/// <param name="InventoryPath">The inventory file, as the run records it.</param>
/// <param name="Inventory">The inventory as read (<see cref="AuditService.ReadInventory"/>); must be usable.</param>
/// <param name="Concurrency">Most hosts probed at the same time.</param>
public sealed record AuditRequest(string Kind, string InventoryPath, InventoryReadResult Inventory, int Concurrency);
