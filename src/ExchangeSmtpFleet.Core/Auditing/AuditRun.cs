using ExchangeSmtpFleet.Core.Probing;

namespace ExchangeSmtpFleet.Core.Auditing;

/// <summary>One audit of an inventory: what was audited, how, by which build, and how it ended.</summary>
public sealed record AuditRun
{
    /// <summary>Unique and sortable by start: <c>scan-20261130T020000Z-1a2b3c</c>.</summary>
    public required string RunId { get; init; }

    /// <summary>When the run started (UTC).</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>When the run ended (UTC); null while it runs.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Where the run stands.</summary>
    public AuditRunStatus Status { get; init; } = AuditRunStatus.Running;

    /// <summary>The inventory file as given (full path).</summary>
    public required string InventoryPath { get; init; }

    /// <summary>SHA-256 of the inventory file's bytes (lower-case hex), when it was read from a file.</summary>
    public string? InventoryHash { get; init; }

    /// <summary>Hosts to audit: the valid, enabled inventory rows.</summary>
    public required int HostCount { get; init; }

    /// <summary>Most hosts probed at the same time.</summary>
    public required int Concurrency { get; init; }

    /// <summary>How each host was probed.</summary>
    public required ProbeOptions Probe { get; init; }

    /// <summary>The version of esfleet that ran it.</summary>
    public required string ToolVersion { get; init; }
}
