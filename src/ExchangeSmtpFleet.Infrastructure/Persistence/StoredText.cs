using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;

namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>How values are written as text in the database: timestamps that sort and round-trip, lists as JSON.</summary>
internal static class StoredText
{
    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    /// <summary>UTC, seven fractional digits: sorts as text, round-trips exactly.</summary>
    public static string Timestamp(DateTimeOffset value) => value.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);

    public static string? Timestamp(DateTimeOffset? value) => value is { } v ? Timestamp(v) : null;

    public static DateTimeOffset ParseTimestamp(string text) =>
        new(DateTime.ParseExact(text, TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), TimeSpan.Zero);

    public static string List(IEnumerable<string> values) => JsonSerializer.Serialize(values as string[] ?? [.. values], StoredJson.Default.StringArray);

    public static ImmutableArray<string> ParseList(string? json) =>
        string.IsNullOrEmpty(json) ? [] : [.. JsonSerializer.Deserialize(json, StoredJson.Default.StringArray) ?? []];

    /// <summary>The TLS session and certificate as JSON, or null.</summary>
    public static string? Tls(Core.Classification.TlsObservation? tls) => tls is null ? null : JsonSerializer.Serialize(
        new StoredTls(tls.Protocol, tls.CipherSuite, tls.Subject, tls.Issuer, [.. tls.SubjectAlternativeNames], tls.NotBefore, tls.NotAfter,
            tls.Thumbprint, [.. tls.ValidationErrors]),
        StoredJson.Default.StoredTls);

    /// <summary>The transcript, one line each: milliseconds since the start, then the line as shown.</summary>
    public static string Transcript(Core.Probing.ProbeResult probe) =>
        string.Join('\n', probe.Transcript.Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.Elapsed.TotalMilliseconds:0.0} {l}")));
}
