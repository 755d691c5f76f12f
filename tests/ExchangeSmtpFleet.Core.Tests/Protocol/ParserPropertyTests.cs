using CsCheck;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Profiles;
using ExchangeSmtpFleet.Core.Protocol;
using ExchangeSmtpFleet.Core.Transcripts;

namespace ExchangeSmtpFleet.Core.Tests.Protocol;

/// <summary>Arbitrary (hostile) input never throws and never grows memory past the limits.</summary>
public sealed class ParserPropertyTests
{
    private static readonly Gen<string> ReplyishLine = Gen.OneOf(
        Gen.String,
        Gen.Select(Gen.Int[200, 599], Gen.OneOfConst("-", " ", "", "x"), Gen.String[0, 80], (c, s, t) => $"{c}{s}{t}"),
        Gen.Char.Array[0, 3000].Select(a => new string(a)));

    [Fact]
    public void Accumulator_ArbitraryLines_NeverThrowsAndStaysBounded()
    {
        var limits = new ReplyLimits(MaxLineLength: 512, MaxLinesPerReply: 20);
        ReplyishLine.Array[0, 100].Sample(lines =>
        {
            var accumulator = new ReplyAccumulator(limits);
            foreach (var line in lines)
            {
                var step = accumulator.Add(line);
                Assert.True(accumulator.Count <= limits.MaxLinesPerReply);
                if (step.IsComplete)
                {
                    Assert.True(step.Reply!.Value.Lines.Length <= limits.MaxLinesPerReply);
                    Assert.All(step.Reply.Value.Lines, l => Assert.True(l.Length <= limits.MaxLineLength));
                    _ = EhloResponse.FromReply(step.Reply.Value);
                }

                if (step.IsError)
                {
                    break;
                }
            }
        }, iter: 2000);
    }

    [Fact]
    public void TranscriptParserAndClassifier_ArbitraryText_NeverThrow()
    {
        var classifier = new ExchangeSmtpFleet.Core.Classification.Classifier(ProfileCatalog.BuiltIn);
        var now = new DateTimeOffset(2026, 11, 29, 0, 0, 0, TimeSpan.Zero);
        ReplyishLine.Array[0, 60].Select(lines => string.Join("\n", lines)).Sample(text =>
        {
            var parsed = TranscriptParser.Parse(text, new ReplyLimits(MaxLineLength: 1024, MaxLinesPerReply: 50));
            var result = classifier.Classify(parsed.Observation, ClassificationContext.Default(now));
            Assert.Equal(ReasonVerdicts.VerdictOf(result.Reason), result.Verdict);
            Assert.True(result.Keywords.Length <= 50);
        }, iter: 2000);
    }

    [Fact]
    public void EhloKeywordParse_ArbitraryLine_NeverThrows()
    {
        Gen.String.Sample(line =>
        {
            var keyword = EhloKeyword.Parse(line);
            _ = keyword.HasValidSyntax;
            Assert.Equal(keyword.Name, keyword.Name.ToUpperInvariant());
        }, iter: 5000);
    }
}
