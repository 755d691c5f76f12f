using System.Buffers;
using System.Collections.Immutable;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Probing;
using ExchangeSmtpFleet.Core.Protocol;

namespace ExchangeSmtpFleet.Cli;

/// <summary>
/// The machine form of a result: one JSON object per host or file on one line, field names of SPEC 9.
/// Written straight to UTF-8 (no document tree): a 10,000-host scan writes 10,000 of these.
/// </summary>
internal static class ResultJson
{
    public static readonly JsonWriterOptions Options = new()
    {
        Indented = false,

        // JSON Lines are read by people too: keep '+', quotes and non-ASCII letters as they are.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary><c>esfleet classify --json</c>: the verdict and its evidence, then the file it came from.</summary>
    public static string ToLine(ClassificationResult result, string file) => Line(w =>
    {
        WriteClassification(w, result);
        w.WriteString("file", file);
    });

    /// <summary><c>esfleet probe --json</c>: the verdict and its evidence, then what the live probe measured.</summary>
    public static string ToLine(ClassificationResult result, ProbeResult probe) => Line(w =>
    {
        WriteClassification(w, result);
        WriteProbe(w, probe);
    });

    /// <summary>One host of a scan (SPEC 9): inventory fields, the verdict, timings and the transcript, as one object.</summary>
    public static void Write(Utf8JsonWriter w, HostOutcome outcome, string runId)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(outcome);
        var host = outcome.Host;
        w.WriteStartObject();
        w.WriteString("host", host.Host);
        w.WriteNumber("port", host.Port);
        w.WriteString("name", host.Name);
        w.WriteString("site", host.Site);
        w.WriteString("owner", host.Owner);
        w.WriteNumber("inventoryLine", host.LineNumber);
        WriteClassification(w, outcome.Classification);
        WriteProbe(w, outcome.Probe);
        w.WriteString("runId", runId);
        w.WriteEndObject();
    }

    /// <summary>One JSON object on one line, written by <paramref name="body"/>.</summary>
    public static string Line(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteClassification(Utf8JsonWriter w, ClassificationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        w.WriteString("profile", result.ProfileId);
        w.WriteString("verdict", result.Verdict.ToString());
        w.WriteString("reason", result.Reason.ToString());
        w.WriteString("family", result.Family);
        w.WriteString("familyEvidence", result.FamilyEvidence);
        w.WriteString("version", result.Version);
        w.WriteString("banner", result.Banner);
        w.WriteString("greeting", result.EhloGreeting);
        WriteKeywords(w, "keywords", result.Keywords);
        WriteKeywords(w, "postTlsKeywords", result.PostTlsKeywords);
        WriteStrings(w, "missing", result.Missing);
        WriteStrings(w, "unexpected", result.Unexpected);
        w.WriteStartArray("findings");
        foreach (var finding in result.Findings)
        {
            w.WriteStartObject();
            w.WriteString("code", finding.Code.ToString());
            w.WriteString("severity", finding.Severity.ToString());
            w.WriteString("message", finding.Message);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        WriteTls(w, result.Tls);
        w.WriteString("detail", result.Detail);
    }

    private static void WriteProbe(Utf8JsonWriter w, ProbeResult probe)
    {
        ArgumentNullException.ThrowIfNull(probe);
        w.WriteString("address", probe.Address);
        w.WriteNumber("attempts", probe.Attempts);
        w.WriteStartObject("timings");
        WriteMilliseconds(w, "connectMs", probe.Timings.ConnectMs);
        WriteMilliseconds(w, "bannerMs", probe.Timings.BannerMs);
        WriteMilliseconds(w, "ehloMs", probe.Timings.EhloMs);
        WriteMilliseconds(w, "tlsMs", probe.Timings.TlsMs);
        WriteMilliseconds(w, "totalMs", probe.Timings.TotalMs);
        w.WriteEndObject();
        w.WriteString("probedAt", probe.StartedAt);
        w.WriteStartArray("transcript");
        foreach (var line in probe.Transcript)
        {
            w.WriteStringValue(line.ToString());
        }

        w.WriteEndArray();
    }

    private static void WriteMilliseconds(Utf8JsonWriter w, string name, double? ms)
    {
        if (ms is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteNumber(name, Math.Round(ms.Value, 1));
        }
    }

    private static void WriteKeywords(Utf8JsonWriter w, string name, ImmutableArray<EhloKeyword> keywords)
    {
        w.WriteStartArray(name);
        foreach (var keyword in keywords.IsDefault ? [] : keywords)
        {
            w.WriteStartObject();
            w.WriteString("name", keyword.Name);
            WriteStrings(w, "parameters", keyword.Parameters);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, ImmutableArray<string> values)
    {
        w.WriteStartArray(name);
        foreach (var value in values.IsDefault ? [] : values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
    }

    private static void WriteTls(Utf8JsonWriter w, TlsObservation? tls)
    {
        if (tls is null)
        {
            w.WriteNull("tls");
            return;
        }

        w.WriteStartObject("tls");
        w.WriteString("protocol", tls.Protocol);
        w.WriteString("cipherSuite", tls.CipherSuite);
        w.WriteString("subject", tls.Subject);
        w.WriteString("issuer", tls.Issuer);
        WriteStrings(w, "subjectAlternativeNames", tls.SubjectAlternativeNames);
        w.WriteString("notBefore", tls.NotBefore);
        w.WriteString("notAfter", tls.NotAfter);
        w.WriteString("thumbprint", tls.Thumbprint);
        WriteStrings(w, "validationErrors", tls.ValidationErrors);
        w.WriteEndObject();
    }
}
