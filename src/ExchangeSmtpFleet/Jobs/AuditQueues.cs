namespace ExchangeSmtpFleet.Jobs;

/// <summary>The Hangfire queues of the audit: every server takes batches; only the main <c>serve</c> takes the rest.</summary>
internal static class AuditQueues
{
    /// <summary>Start, report and mail: need the inventory, the reports folder and the relay.</summary>
    public const string Control = "control";

    /// <summary>Batches: need only the database and port 25 of the fleet.</summary>
    public const string Batches = "batches";

    /// <summary>Every queue of the audit.</summary>
    public static IReadOnlyList<string> All { get; } = [Control, Batches];
}
