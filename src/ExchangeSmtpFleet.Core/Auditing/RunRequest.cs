namespace ExchangeSmtpFleet.Core.Auditing;

/// <summary>What to begin: a run of an inventory.</summary>
/// <param name="Kind">A scan, or an audit (which holds the audit lock).</param>
/// <param name="InventoryPath">The inventory file (full path).</param>
/// <param name="Concurrency">Most hosts probed at the same time.</param>
public sealed record RunRequest(RunKind Kind, string InventoryPath, int Concurrency)
{
    /// <summary>The run's id; null for a new one made of the kind and the clock. A job passes the id its job makes, so that a retry finds its run.</summary>
    public string? RunId { get; init; }

    /// <summary>Hosts per batch job when the run is split into jobs (queued through <see cref="IAuditJobQueue"/>); null for a run probed in one go.</summary>
    public int? BatchSize { get; init; }

    /// <summary>The inventory when the caller has read it already (<see cref="AuditWorkflow.OpenInventory"/>); null: the run reads it.</summary>
    public Inventory.InventoryReadResult? Inventory { get; init; }

    /// <summary>The job or command that begins the run (the owner of its steps).</summary>
    public string Owner { get; init; } = "esfleet";
}
