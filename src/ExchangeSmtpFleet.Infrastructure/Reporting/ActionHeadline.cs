using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Knowledge;

namespace ExchangeSmtpFleet.Infrastructure.Reporting;

/// <summary>
/// The sentence management reads first, in the workbook's page 1 and the mail alike: "5 Exchange servers need action: 3 with
/// the Exchange event sinks not loaded, 2 with suspected metabase corruption; 1 new since yesterday".
/// </summary>
internal static class ActionHeadline
{
    /// <summary>The headline.</summary>
    /// <param name="formats">Language and formats.</param>
    /// <param name="sinks">Hosts with the Exchange event sinks not loaded.</param>
    /// <param name="metabase">Hosts with suspected metabase corruption.</param>
    /// <param name="newHosts">Of those, hosts new to their verdict since the previous run.</param>
    /// <param name="since">How the previous run is named (<see cref="Yesterday"/>, a date, or empty for just "N new"); null when
    /// there was none (nothing is new then).</param>
    public static string Sentence(ReportFormats formats, int sinks, int metabase, int newHosts, string? since)
    {
        ArgumentNullException.ThrowIfNull(formats);
        var total = sinks + metabase;
        if (total == 0)
        {
            return Text(formats, Label.ActionHeadlineNone);
        }

        var parts = new List<string>(2);
        if (sinks > 0)
        {
            parts.Add(formats.Format(Text(formats, Label.ActionWithSinks), formats.Number(sinks)));
        }

        if (metabase > 0)
        {
            parts.Add(formats.Format(Text(formats, Label.ActionWithMetabase), formats.Number(metabase)));
        }

        var sentence = $"{formats.Format(Text(formats, total == 1 ? Label.ActionHeadlineOne : Label.ActionHeadlineMany), formats.Number(total))}: {string.Join(", ", parts)}";
        if (since is not null && newHosts > 0)
        {
            sentence += "; " + since switch
            {
                Yesterday => formats.Format(Text(formats, Label.ActionNewSinceYesterday), formats.Number(newHosts)),
                "" => formats.Format(Text(formats, Label.ActionNew), formats.Number(newHosts)),
                _ => formats.Format(Text(formats, Label.ActionNewSince), formats.Number(newHosts), since),
            };
        }

        return sentence;
    }

    /// <summary>What <see cref="Sentence"/> takes for a previous run that started the calendar day (UTC) before.</summary>
    public const string Yesterday = "\0yesterday";

    /// <summary>How the headline names the previous run: <see cref="Yesterday"/> or its date; null when there was none.</summary>
    /// <param name="formats">Formats.</param>
    /// <param name="run">When this run started.</param>
    /// <param name="previous">When the previous run started, null when unknown or none.</param>
    public static string? Since(ReportFormats formats, DateTimeOffset run, DateTimeOffset? previous) =>
        previous is not { } before ? null
        : before.UtcDateTime.Date == run.UtcDateTime.Date.AddDays(-1) ? Yesterday
        : before.UtcDateTime.Date == run.UtcDateTime.Date ? formats.DateTime(before)
        : formats.Date(before);

    /// <summary>The host counts of the other verdicts, in one quieter line: could not be checked, other servers, healthy.</summary>
    /// <param name="formats">Language and formats.</param>
    /// <param name="count">Hosts per verdict.</param>
    public static string Others(ReportFormats formats, Func<Verdict, int> count)
    {
        ArgumentNullException.ThrowIfNull(formats);
        ArgumentNullException.ThrowIfNull(count);
        var knowledge = KnowledgeBase.BuiltIn;
        var parts = new List<string>(3);
        var notChecked = new[] { Verdict.Unreachable, Verdict.Rejected, Verdict.ProtocolError }.Where(v => count(v) > 0).ToList();
        if (notChecked.Count > 0)
        {
            var which = string.Join(", ", notChecked.Select(v => $"{knowledge.VerdictTitle(v, formats.Language)} {formats.Number(count(v))}"));
            parts.Add($"{formats.Format(Text(formats, Label.ActionNotChecked), formats.Number(notChecked.Sum(count)))} ({which})");
        }

        if (count(Verdict.UnexpectedServer) > 0)
        {
            parts.Add($"{formats.Format(Text(formats, Label.ActionOtherServers), formats.Number(count(Verdict.UnexpectedServer)))} ({knowledge.VerdictTitle(Verdict.UnexpectedServer, formats.Language)})");
        }

        parts.Add(formats.Format(Text(formats, Label.ActionHealthy), formats.Number(count(Verdict.Healthy))));
        return string.Join(" · ", parts);
    }

    /// <summary>A few names, then "and N more".</summary>
    /// <param name="formats">Language and formats.</param>
    /// <param name="names">Every name.</param>
    /// <param name="few">How many to name.</param>
    public static string Few(ReportFormats formats, IReadOnlyCollection<string> names, int few)
    {
        ArgumentNullException.ThrowIfNull(formats);
        ArgumentNullException.ThrowIfNull(names);
        var shown = string.Join(", ", names.Take(few));
        return names.Count <= few ? shown : $"{shown} {formats.Format(Text(formats, Label.AndMore), formats.Number(names.Count - few))}";
    }

    private static string Text(ReportFormats formats, Label label) => KnowledgeBase.BuiltIn.LabelText(label, formats.Language);
}
