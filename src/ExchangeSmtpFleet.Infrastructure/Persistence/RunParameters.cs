using System.Text.Json;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Inventory;
using ExchangeSmtpFleet.Core.Storage;

namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>The parameters of a run's row, the same in every dialect but for how the start is stored.</summary>
internal sealed record RunParameters(
    string RunId, string Kind, object StartedAt, string Status, string InventoryPath, string? InventoryHash, int HostCount, int ProblemCount,
    int DisabledCount, int Concurrency, string ProbeOptions, string ToolVersion)
{
    /// <summary>
    /// The row of <paramref name="run"/> as it starts; <paramref name="startedAt"/> is the dialect's form of the start. The
    /// inventory path and the build are cut to their columns (<see cref="StoredLimits"/>): every dialect stores the same.
    /// </summary>
    public static RunParameters Of(AuditRun run, InventoryReadResult inventory, object startedAt) => new(
        run.RunId,
        run.RunId.Split('-')[0],
        startedAt,
        run.Status.ToString(),
        StoredLimits.Cut(run.InventoryPath, StoredLimits.InventoryPath)!,
        run.InventoryHash,
        run.HostCount,
        inventory.Problems.Length,
        inventory.DisabledCount,
        run.Concurrency,
        ProbeOptionsJson(new StoredProbeOptions(run.Probe.EhloName, run.Probe.ConnectTimeout.TotalSeconds, run.Probe.GreetingTimeout.TotalSeconds,
            run.Probe.ReplyTimeout.TotalSeconds, run.Probe.HostDeadline.TotalSeconds, run.Probe.ConnectRetries, run.Probe.StartTls)),
        StoredLimits.Cut(run.ToolVersion, StoredLimits.ToolVersion)!);

    /// <summary>
    /// The probe settings as the serializer writes <see cref="StoredProbeOptions"/> (camelCase; read back with it), written
    /// by hand: the serializer's metadata is most of what storing a scan would otherwise compile at start.
    /// </summary>
    public static string ProbeOptionsJson(StoredProbeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var utf8 = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(utf8))
        {
            json.WriteStartObject();
            json.WriteString("ehloName", options.EhloName);
            json.WriteNumber("connectTimeoutSeconds", options.ConnectTimeoutSeconds);
            json.WriteNumber("greetingTimeoutSeconds", options.GreetingTimeoutSeconds);
            json.WriteNumber("replyTimeoutSeconds", options.ReplyTimeoutSeconds);
            json.WriteNumber("hostDeadlineSeconds", options.HostDeadlineSeconds);
            json.WriteNumber("connectRetries", options.ConnectRetries);
            json.WriteBoolean("startTls", options.StartTls);
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(utf8.WrittenSpan);
    }
}
