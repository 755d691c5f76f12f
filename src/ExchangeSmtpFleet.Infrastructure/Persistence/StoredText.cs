using System.Buffers;
using System.Collections.Immutable;
using System.Globalization;
using System.Text;
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
    public static string Transcript(Core.Probing.ProbeResult probe)
    {
        var utf8 = new ArrayBufferWriter<byte>(1024);
        WriteTranscript(probe, utf8);
        return Encoding.UTF8.GetString(utf8.WrittenSpan);
    }

    /// <summary>
    /// The transcript (<see cref="Transcript"/>) written as UTF-8, line by line into <paramref name="utf8"/>: the SQLite
    /// sink binds these bytes without making a string of each line and then of the whole.
    /// </summary>
    public static void WriteTranscript(Core.Probing.ProbeResult probe, IBufferWriter<byte> utf8)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(utf8);
        var first = true;
        foreach (var line in probe.Transcript)
        {
            var text = line.Text ?? string.Empty;
            // "\n" + up to 32 characters of milliseconds + " " + a three-character prefix + the text.
            var span = utf8.GetSpan(40 + Encoding.UTF8.GetMaxByteCount(text.Length));
            var length = 0;
            if (!first)
            {
                span[length++] = (byte)'\n';
            }

            first = false;
            line.Elapsed.TotalMilliseconds.TryFormat(span[length..], out var digits, "0.0", CultureInfo.InvariantCulture);
            length += digits;
            span[length++] = (byte)' ';
            var prefix = line.Direction switch
            {
                Core.Probing.TranscriptDirection.Client => "C: "u8,
                Core.Probing.TranscriptDirection.Server => "S: "u8,
                _ => "*  "u8,
            };
            prefix.CopyTo(span[length..]);
            length += prefix.Length;
            length += Encoding.UTF8.GetBytes(text, span[length..]);
            utf8.Advance(length);
        }
    }
}
