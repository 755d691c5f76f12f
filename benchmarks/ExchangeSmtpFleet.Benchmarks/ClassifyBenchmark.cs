using System.Diagnostics;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Profiles;
using ExchangeSmtpFleet.Core.Transcripts;

namespace ExchangeSmtpFleet.Benchmarks;

/// <summary>Classifies the real Exchange 2003 capture over and over: CPU and allocation per classification.</summary>
internal static class ClassifyBenchmark
{
    public static void Run(int count)
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "transcripts", "ex2003-healthy-real.txt"));
        var observation = TranscriptParser.Parse(text).Observation;
        var classifier = new Classifier(ProfileCatalog.BuiltIn);
        var context = ClassificationContext.Default(TimeProvider.System.GetUtcNow());
        var verdict = Verdict.Healthy;
        for (var i = 0; i < 20_000; i++)
        {
            verdict = classifier.Classify(observation, context).Verdict; // tier-up
        }

        for (var round = 0; round < 3; round++)
        {
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < count; i++)
            {
                verdict = classifier.Classify(observation, context).Verdict;
            }

            watch.Stop();
            var bytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)count;
            Console.WriteLine(FormattableString.Invariant(
                $"classify ex2003-healthy-real ({verdict}): {watch.Elapsed.TotalMicroseconds / count:0.00} µs and {bytes:0} bytes per classification ({count} in {watch.Elapsed.TotalMilliseconds:0} ms)"));
        }
    }
}
