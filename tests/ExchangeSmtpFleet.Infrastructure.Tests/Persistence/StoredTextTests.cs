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
}
