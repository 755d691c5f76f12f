using System.Buffers;
using System.Buffers.Text;
using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>How values are written as text in the database: timestamps that sort and round-trip, lists as JSON.</summary>
internal static class StoredText
{
    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _listBuffer;

    /// <summary>UTC, seven fractional digits: sorts as text, round-trips exactly.</summary>
    public static string Timestamp(DateTimeOffset value) => value.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);

    public static string? Timestamp(DateTimeOffset? value) => value is { } v ? Timestamp(v) : null;

    public static DateTimeOffset ParseTimestamp(string text) =>
        new(DateTime.ParseExact(text, TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), TimeSpan.Zero);

    /// <summary>
    /// A list as a JSON array of strings, written as the serializer writes a <c>string[]</c> (same escaping) but without
    /// its metadata: a stored scan writes two or three lists per host, and the serializer's first use alone cost a fresh
    /// process about 100 more methods to compile.
    /// </summary>
    public static string List(IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        using var enumerator = values.GetEnumerator();
        if (!enumerator.MoveNext())
        {
            return "[]";
        }

        var utf8 = _listBuffer ??= new ArrayBufferWriter<byte>(256);
        utf8.Clear();
        using (var json = new Utf8JsonWriter(utf8))
        {
            json.WriteStartArray();
            do
            {
                json.WriteStringValue(enumerator.Current);
            }
            while (enumerator.MoveNext());
            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(utf8.WrittenSpan);
    }

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
            length += Milliseconds(line.Elapsed, span[length..]);
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

    /// <summary>
    /// Milliseconds with one decimal, as <c>{TotalMilliseconds:0.0}</c> writes them, from the ticks without a custom number
    /// format (the transcript has a line of this per line of the session): ticks are exact, so rounding them half away from
    /// zero to tenths of a millisecond is what the format does with the same value.
    /// </summary>
    private static int Milliseconds(TimeSpan elapsed, Span<byte> utf8)
    {
        if (elapsed.Ticks < 0)
        {
            elapsed.TotalMilliseconds.TryFormat(utf8, out var written, "0.0", CultureInfo.InvariantCulture);
            return written;
        }

        var tenths = (elapsed.Ticks + 500) / 1000;
        Utf8Formatter.TryFormat(tenths / 10, utf8, out var digits);
        utf8[digits] = (byte)'.';
        utf8[digits + 1] = (byte)('0' + (tenths % 10));
        return digits + 2;
    }
}
