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
        var node = new JsonObject();
        AddClassification(node, result);
        return node;
    }

    /// <summary>Writes the verdict and its evidence into <paramref name="node"/>, after whatever it already holds.</summary>
    private static void AddClassification(JsonObject node, ClassificationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        node["profile"] = result.ProfileId;
        node["verdict"] = result.Verdict.ToString();
        node["reason"] = result.Reason.ToString();
        node["family"] = result.Family;
        node["familyEvidence"] = result.FamilyEvidence;
        node["version"] = result.Version;
        node["banner"] = result.Banner;
        node["greeting"] = result.EhloGreeting;
        node["keywords"] = Keywords(result.Keywords);
        node["postTlsKeywords"] = Keywords(result.PostTlsKeywords);
        node["missing"] = Strings(result.Missing);
        node["unexpected"] = Strings(result.Unexpected);
        node["findings"] = new JsonArray([.. result.Findings.Select(f => (JsonNode)new JsonObject
        {
            ["code"] = f.Code,
            ["severity"] = f.Severity.ToString(),
            ["message"] = f.Message,
        })]);
        node["tls"] = Tls(result.Tls);
        node["detail"] = result.Detail;
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
        AddClassification(node, outcome.Classification);
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
