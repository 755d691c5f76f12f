using System.Globalization;
using System.Net;
using System.Text.Json;

namespace ExchangeSmtpFleet.Simulator;

/// <summary>A simulated fleet, as described by a fleet JSON file (see <c>samples/lab-fleet.json</c>).</summary>
public sealed record FleetDefinition
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public IReadOnlyList<SimulatedHostDefinition> Hosts { get; init; } = [];

    /// <summary>Directory that relative transcript paths are resolved against.</summary>
    public string BaseDirectory { get; init; } = ".";

    /// <summary>Reads and checks a fleet file.</summary>
    /// <exception cref="FleetDefinitionException">The file is missing, not JSON, or a host is invalid; the message says which.</exception>
    public static FleetDefinition Load(string path)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FleetDefinitionException($"{path}: cannot read the fleet file: {e.Message}");
        }

        FleetDefinition? fleet;
        try
        {
            fleet = JsonSerializer.Deserialize<FleetDefinition>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new FleetDefinitionException($"{path}: not a valid fleet file: {e.Message}");
        }

        if (fleet is null || fleet.Hosts.Count == 0)
        {
            throw new FleetDefinitionException($"{path}: the fleet has no hosts");
        }

        fleet = fleet with { BaseDirectory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? "." };
        fleet.Validate(path);
        return fleet;
    }

    /// <summary>
    /// A fleet of <paramref name="count"/> identical hosts on consecutive loopback addresses from 127.(first).0.1,
    /// for benchmarks and large tests.
    /// </summary>
    public static FleetDefinition Generate(int count, int firstOctet, int port, string transcriptText, int latencyMs = 0)
    {
        var hosts = new List<SimulatedHostDefinition>(count);
        for (var i = 0; i < count; i++)
        {
            var b = firstOctet + (i / 62500);
            var rest = i % 62500;
            hosts.Add(new SimulatedHostDefinition
            {
                Address = string.Create(CultureInfo.InvariantCulture, $"127.{b}.{rest / 250}.{(rest % 250) + 1}"),
                Port = port,
                TranscriptText = transcriptText,
                LatencyMs = latencyMs,
            });
        }

        return new FleetDefinition { Hosts = hosts };
    }

    /// <summary>Checks every host; throws naming the first bad one.</summary>
    public void Validate(string source = "fleet")
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < Hosts.Count; i++)
        {
            var host = Hosts[i];
            var where = $"{source}: hosts[{i}] ({host.Address}:{host.Port})";
            if (!IPAddress.TryParse(host.Address, out var address) || !IPAddress.IsLoopback(address))
            {
                // Simulated hosts live on this machine only: never bind or advertise another network.
                throw new FleetDefinitionException($"{where}: address must be a loopback address (127.0.0.0/8 or ::1)");
            }

            if (host.Port is < 0 or > 65535)
            {
                throw new FleetDefinitionException($"{where}: port must be 0-65535");
            }

            if (!SimulatedFaultNames.TryParse(host.Fault, out _))
            {
                throw new FleetDefinitionException($"{where}: unknown fault '{host.Fault}' (known: {string.Join(", ", SimulatedFaultNames.All)})");
            }

            if (host.LatencyMs < 0 || host.GreetingDelayMs < 0 || host.ByteDelayMs < 0)
            {
                throw new FleetDefinitionException($"{where}: delays must not be negative");
            }

            if (host.Transcript is null && host.TranscriptText is null)
            {
                throw new FleetDefinitionException($"{where}: needs a transcript (file) or transcriptText");
            }

            if (host.Port != 0 && !seen.Add($"{address}:{host.Port}"))
            {
                throw new FleetDefinitionException($"{where}: address and port are used twice");
            }
        }
    }
}
