using System.Globalization;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Knowledge;

namespace ExchangeSmtpFleet.Cli;

/// <summary>The summary of a run on the terminal, the same for <c>scan</c>, <c>audit</c> and <c>demo</c>: hosts per verdict with what each verdict means, the total, one closing line.</summary>
internal static class RunSummaryRenderer
{
    /// <summary>Writes the table and <paramref name="closing"/>.</summary>
    /// <param name="output">Where.</param>
    /// <param name="counts">Hosts per verdict, every verdict.</param>
    /// <param name="closing">The line under the table (run id, time, where it is stored).</param>
    public static async Task WriteAsync(TextWriter output, IEnumerable<KeyValuePair<Verdict, int>> counts, string closing)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(counts);
        var total = 0;
        await output.WriteLineAsync($"{"Verdict",-30} {"Hosts",6}   Meaning").ConfigureAwait(false);
        foreach (var (verdict, count) in counts)
        {
            total += count;
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{verdict,-30} {count,6}   {KnowledgeBase.BuiltIn.VerdictMeaning(verdict, Language.English)}")).ConfigureAwait(false);
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{"Total",-30} {total,6}")).ConfigureAwait(false);
        await output.WriteLineAsync(closing).ConfigureAwait(false);
    }
}
