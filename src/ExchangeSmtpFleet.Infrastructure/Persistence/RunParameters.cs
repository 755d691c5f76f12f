using System.Text.Json;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Inventory;

namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>The parameters of a run's row, the same in every dialect but for how the start is stored.</summary>
internal sealed record RunParameters(
    string RunId, string Kind, object StartedAt, string Status, string InventoryPath, string? InventoryHash, int HostCount, int ProblemCount,
    int DisabledCount, int Concurrency, string ProbeOptions, string ToolVersion)
{
    /// <summary>The row of <paramref name="run"/> as it starts; <paramref name="startedAt"/> is the dialect's form of the start.</summary>
    public static RunParameters Of(AuditRun run, InventoryReadResult inventory, object startedAt) => new(
        run.RunId,
        run.RunId.Split('-')[0],
        startedAt,
        run.Status.ToString(),
        run.InventoryPath,
        run.InventoryHash,
        run.HostCount,
        inventory.Problems.Length,
        inventory.DisabledCount,
        run.Concurrency,
        JsonSerializer.Serialize(
            new StoredProbeOptions(run.Probe.EhloName, run.Probe.ConnectTimeout.TotalSeconds, run.Probe.GreetingTimeout.TotalSeconds,
                run.Probe.ReplyTimeout.TotalSeconds, run.Probe.HostDeadline.TotalSeconds, run.Probe.ConnectRetries, run.Probe.StartTls),
            StoredJson.Default.StoredProbeOptions),
        run.ToolVersion);
}
