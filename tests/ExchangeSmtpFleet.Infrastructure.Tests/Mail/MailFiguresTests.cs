using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Infrastructure.Mail;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Mail;

public sealed class MailFiguresTests
{
    /// <summary>
    /// Streamed, the figures are what sorting the whole run gave: counts per verdict, and the 20 hosts to act on first,
    /// those new to their verdict first, then ordered by since-when (else probe time), ties in the order seen. Many equal
    /// times, unknown streaks, new and old hosts and other verdicts, over many random runs.
    /// </summary>
    [Fact]
    public void StreamedFigures_AreWhatSortingTheWholeRunGives()
    {
        var random = new Random(20261130);
        var night = new DateTimeOffset(2026, 11, 30, 2, 0, 0, TimeSpan.Zero);
        var verdicts = Enum.GetValues<Verdict>();
        for (var round = 0; round < 200; round++)
        {
            var results = Enumerable.Range(0, random.Next(0, 400)).Select(i => new StoredResult(
                $"host{i}:25", $"host{i}", 25, null, null, null, "exchange-2003", verdicts[random.Next(verdicts.Length)], Reason.ProfileSatisfied, "f", null, [], null,
                night.AddDays(-random.Next(0, 3)), random.Next(3) == 0 ? null : verdicts[random.Next(verdicts.Length)], random.Next(4) == 0 ? null : night.AddDays(-random.Next(0, 30)))).ToList();

            var figures = MailFigures.Of(results);

            var expected = results.Where(r => r.Verdict is Verdict.MissingSinks or Verdict.SuspectedMetabaseCorruption)
                .OrderBy(r => r.PreviousVerdict == r.Verdict ? 1 : 0).ThenBy(r => r.VerdictSince ?? r.ProbedAt).Take(MailFigures.ActFirstLimit).Select(r => r.HostKey);
            Assert.Equal(expected, figures.ActFirst.Select(r => r.HostKey));
            Assert.Equal(results.Count, figures.Total);
            Assert.Equal(results.Count(r => r.Verdict != Verdict.Healthy), figures.NotHealthy);
            Assert.Equal(results.Count(r => r.Verdict is Verdict.MissingSinks or Verdict.SuspectedMetabaseCorruption && r.PreviousVerdict != r.Verdict), figures.NewToAction);
            Assert.All(verdicts, v => Assert.Equal(results.Count(r => r.Verdict == v), figures.Count(v)));
        }
    }
}
