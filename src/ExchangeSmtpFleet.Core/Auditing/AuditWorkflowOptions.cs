namespace ExchangeSmtpFleet.Core.Auditing;

/// <summary>What the audit workflow is told by configuration.</summary>
public sealed record AuditWorkflowOptions
{
    /// <summary>The version of esfleet, recorded with each run.</summary>
    public required string ToolVersion { get; init; }

    /// <summary>A running audit older than this no longer holds the audit lock (its process is gone).</summary>
    public TimeSpan StaleAfter { get; init; } = TimeSpan.FromHours(20);

    /// <summary>Most hosts a batch job probes at the same time.</summary>
    public int BatchConcurrency { get; init; } = 64;

    /// <summary>Whether the report job queues the mail job.</summary>
    public bool MailAfterReport { get; init; }
}
