using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Protocol;
using ExchangeSmtpFleet.Smtp.Fleet;
using ExchangeSmtpFleet.Smtp.Probing;

namespace ExchangeSmtpFleet.Cli;

/// <summary>The machine form of a result: one JSON object per host or file, field names of SPEC 9.</summary>
internal static class ResultJson
{
    private static readonly JsonSerializerOptions Compact = new()
    {
        WriteIndented = false,

        // JSON Lines are read by people too: keep '+', quotes and non-ASCII letters as they are.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static JsonObject ToJson(ClassificationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new JsonObject
        {
            ["profile"] = result.ProfileId,
            ["verdict"] = result.Verdict.ToString(),
            ["reason"] = result.Reason.ToString(),
            ["family"] = result.Family,
            ["familyEvidence"] = result.FamilyEvidence,
            ["version"] = result.Version,
            ["banner"] = result.Banner,
            ["greeting"] = result.EhloGreeting,
            ["keywords"] = Keywords(result.Keywords),
            ["postTlsKeywords"] = Keywords(result.PostTlsKeywords),
            ["missing"] = Strings(result.Missing),
            ["unexpected"] = Strings(result.Unexpected),
            ["findings"] = new JsonArray([.. result.Findings.Select(f => (JsonNode)new JsonObject
            {
                ["code"] = f.Code,
                ["severity"] = f.Severity.ToString(),
                ["message"] = f.Message,
            })]),
            ["tls"] = Tls(result.Tls),
            ["detail"] = result.Detail,
        };
    }

    /// <summary>One host of a scan: inventory fields, the verdict, timings and the transcript (SPEC 9).</summary>
    public static JsonObject ToJson(HostOutcome outcome, string runId)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var host = outcome.Host;
        var node = new JsonObject
        {
            ["host"] = host.Host,
            ["port"] = host.Port,
            ["name"] = host.Name,
            ["site"] = host.Site,
            ["owner"] = host.Owner,
            ["inventoryLine"] = host.LineNumber,
        };
        foreach (var (key, value) in ToJson(outcome.Classification))
        {
            node[key] = value?.DeepClone();
        }

        AddProbe(node, outcome.Probe);
        node["runId"] = runId;
        return node;
    }

    /// <summary>Adds what the live probe measured: address, attempts, timings, time and transcript.</summary>
    public static void AddProbe(JsonObject node, ProbeResult probe)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(probe);
        node["address"] = probe.Address;
        node["attempts"] = probe.Attempts;
        node["timings"] = new JsonObject
        {
            ["connectMs"] = Round(probe.Timings.ConnectMs),
            ["bannerMs"] = Round(probe.Timings.BannerMs),
            ["ehloMs"] = Round(probe.Timings.EhloMs),
            ["tlsMs"] = Round(probe.Timings.TlsMs),
            ["totalMs"] = Round(probe.Timings.TotalMs),
        };
        node["probedAt"] = probe.StartedAt;
        node["transcript"] = Strings(probe.Transcript.Select(l => l.ToString()));
    }

    private static double? Round(double? ms) => ms is null ? null : Math.Round(ms.Value, 1);

    /// <summary>Serialises on one line, as JSON Lines wants.</summary>
    public static string ToLine(JsonObject json) => json.ToJsonString(Compact);

    private static JsonArray Keywords(IEnumerable<EhloKeyword> keywords) =>
        new([.. keywords.Select(k => (JsonNode)new JsonObject
        {
            ["name"] = k.Name,
            ["parameters"] = Strings(k.Parameters),
        })]);

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);

    private static JsonObject? Tls(TlsObservation? tls) => tls is null
        ? null
        : new JsonObject
        {
            ["protocol"] = tls.Protocol,
            ["cipherSuite"] = tls.CipherSuite,
            ["subject"] = tls.Subject,
            ["issuer"] = tls.Issuer,
            ["subjectAlternativeNames"] = Strings(tls.SubjectAlternativeNames),
            ["notBefore"] = tls.NotBefore,
            ["notAfter"] = tls.NotAfter,
            ["thumbprint"] = tls.Thumbprint,
            ["validationErrors"] = Strings(tls.ValidationErrors),
        };
}
