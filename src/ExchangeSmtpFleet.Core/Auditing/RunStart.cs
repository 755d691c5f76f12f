using ExchangeSmtpFleet.Core.Inventory;

namespace ExchangeSmtpFleet.Core.Auditing;

/// <summary>What <see cref="AuditWorkflow.BeginRunAsync"/> did.</summary>
/// <param name="RunId">The run.</param>
/// <param name="StartedAt">When it began.</param>
/// <param name="Inventory">The inventory as read; empty when the run was begun before and is only resumed.</param>
/// <param name="Line">One line for the log and the dashboard.</param>
public sealed record RunStart(string RunId, DateTimeOffset StartedAt, InventoryReadResult Inventory, string Line)
{
    /// <summary>The audit that holds the audit lock when this one was refused; null when the run began.</summary>
    public string? RefusedBy { get; init; }

    /// <summary>Whether the run began (or was begun before by the same job).</summary>
    public bool Began => RefusedBy is null;
}
