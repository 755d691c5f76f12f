using System.Globalization;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Probing;
using ExchangeSmtpFleet.Infrastructure.Persistence;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Persistence;

public sealed class StoredTextTests
{
    /// <summary>
    /// The transcript is written as UTF-8 from ticks, not through <c>{TotalMilliseconds:0.0}</c>; every tick count of the
    /// first 3 seconds (each rounding case), long sessions and a negative time (never seen, formatted the old way) give
    /// the same text the format gives.
    /// </summary>
    [Fact]
    public void Transcript_MillisecondsAreWhatTheFormatWrites_ForEveryTickCount()
    {
        var elapsed = Enumerable.Range(0, 30_000).Select(t => (long)t)
            .Concat([15_000_000L, 1_234_564_999L, 1_234_565_000L, 36_000_000_000L - 1, TimeSpan.FromDays(40).Ticks + 500, -12_500L])
            .Select(TimeSpan.FromTicks)
            .ToList();
        var probe = new ProbeResult
        {
            Host = "h",
            Port = 25,
            Observation = new SmtpObservation(),
            StartedAt = Outcomes.Night,
            Timings = new ProbeTimings(1, 1, 1, null, 3),
            Transcript = [.. elapsed.Select(e => new TranscriptLine(TranscriptDirection.Server, "250 OK", e))],
        };

        var expected = string.Join('\n', elapsed.Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.TotalMilliseconds:0.0} S: 250 OK")));
        Assert.Equal(expected, StoredText.Transcript(probe));
    }

    /// <summary>Lists are written by hand now; every list reads back as the serializer wrote it before (escaping included).</summary>
    [Fact]
    public void List_IsWhatTheSerializerWrites()
    {
        string[][] lists =
        [
            [],
            ["XEXCH50"],
            ["X-EXPS", "X-EXPS=LOGIN", "", "a\"b\\c", "Grüße ✓", "<script>&'+", "\u001b[31m\r\n\t", "\u0085\u2028"],
        ];
        foreach (var values in lists)
        {
            var expected = System.Text.Json.JsonSerializer.Serialize(values, StoredJson.Default.StringArray);

            Assert.Equal(expected, StoredText.List(values));
            Assert.Equal(expected, StoredText.List(values.Select(v => v)));
            Assert.Equal(values, StoredText.ParseList(StoredText.List(values)));
        }
    }

    /// <summary>The probe settings of a run are written by hand too: the same JSON as the serializer's, and it reads them back.</summary>
    [Fact]
    public void ProbeOptionsJson_IsWhatTheSerializerWrites()
    {
        foreach (var options in new[]
        {
            new StoredProbeOptions("auditor.corp.example", 10, 30, 30, 120, 1, true),
            new StoredProbeOptions(null, 0.25, 1e-3, 12.5, 3600.125, 0, false),
            new StoredProbeOptions("ü<&>\"", double.MaxValue, 0.1 + 0.2, 7, 8, int.MaxValue, true),
        })
        {
            var expected = System.Text.Json.JsonSerializer.Serialize(options, StoredJson.Default.StoredProbeOptions);

            Assert.Equal(expected, RunParameters.ProbeOptionsJson(options));
            Assert.Equal(options, System.Text.Json.JsonSerializer.Deserialize(RunParameters.ProbeOptionsJson(options), StoredJson.Default.StoredProbeOptions));
        }
    }
}
