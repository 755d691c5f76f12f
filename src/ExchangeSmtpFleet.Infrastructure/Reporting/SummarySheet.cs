using ClosedXML.Excel;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Knowledge;
using ExchangeSmtpFleet.Core.Storage;

namespace ExchangeSmtpFleet.Infrastructure.Reporting;

/// <summary>
/// Page 1 of the workbook, the action page management reads in five seconds (issue 19): one headline in words, the
/// Exchange servers that need action each with the one procedure to run (a link to it on the Remediation sheet, new ones
/// marked), a quieter line for the hosts that could not be checked and the others, then the counts per verdict (chart
/// beside), the changes naming their hosts, the most frequent causes, the sites, the run, and the trend of recent runs.
/// Columns A to G print; the trend chart's figures lie beside the print area.
/// </summary>
internal sealed class SummarySheet(KnowledgeBase knowledge, ReportFormats formats, string cutMark, int procedureWidth)
{
    /// <summary>The hosts needing action that page 1 names; the rest are on their sheets.</summary>
    public const int ActionRows = 25;

    /// <summary>Names shown per change before "and N more".</summary>
    private const int FewNames = 5;

    /// <summary>The widths of columns A to G (what prints); F names procedures, as wide as the longest (a link never wraps).</summary>
    private int[] Widths => [6, 34, 22, 13, 30, Math.Max(30, procedureWidth), 30];

    private const int LastPrinted = 7;

    private const int TrendColumn = 9;

    private string Text(Label label) => knowledge.LabelText(label, formats.Language);

    private string Title(Verdict verdict) => knowledge.VerdictTitle(verdict, formats.Language);

    /// <summary>Writes the sheet.</summary>
    /// <param name="workbook">The workbook.</param>
    /// <param name="run">The run.</param>
    /// <param name="results">Its results.</param>
    /// <param name="changes">Its changes against the run before.</param>
    /// <param name="previousStart">When that run started; null when unknown.</param>
    /// <param name="recent">Recent runs up to this one, oldest first.</param>
    /// <param name="procedures">Where each procedure starts on the Remediation sheet.</param>
    /// <param name="isNew">Whether a host is new to its verdict since the run before.</param>
    /// <param name="sheetOf">The sheet that lists a verdict's hosts.</param>
    public SummaryLayout Write(
        XLWorkbook workbook, StoredRun run, List<StoredResult> results, RunChanges changes, DateTimeOffset? previousStart, List<StoredRun> recent,
        IReadOnlyDictionary<string, string> procedures, Func<StoredResult, bool> isNew, Func<Verdict, string> sheetOf)
    {
        var ws = workbook.Worksheets.Add(Text(Label.ReportSummary));
        for (var i = 0; i < Widths.Length; i++)
        {
            ws.Column(i + 1).Width = Widths[i];
        }

        ws.Style.Alignment.Vertical = XLAlignmentVerticalValues.Top;
        var title = Put(ws.Cell(1, 1), $"{Text(Label.ReportTitle)} {formats.Date(run.StartedAt)}");
        title.Style.Font.SetBold().Font.SetFontSize(18);
        ws.Row(1).Height = 27;
        ws.Range(1, 1, 1, LastPrinted).Merge();
        var subtitle = Put(ws.Cell(2, 1), $"{Text(Label.ReportRun)} {run.RunId} · {Text(Label.ReportStarted)} {formats.DateTime(run.StartedAt)} · {Text(Label.ReportHostsAudited)} {formats.Number(results.Count)}");
        subtitle.Style.Font.SetFontColor(XLColor.FromHtml("#595959"));
        ws.Range(2, 1, 2, LastPrinted).Merge();

        // The headline.
        var action = results.Where(r => VerdictGroups.NeedsAction(r.Verdict)).ToList();
        var since = changes.SinceRunId is null ? null
            : previousStart is { } before ? ActionHeadline.Since(formats, run.StartedAt, before) : changes.SinceRunId;
        var headline = ActionHeadline.Sentence(
            formats, action.Count(r => r.Verdict == Verdict.MissingSinks), action.Count(r => r.Verdict == Verdict.SuspectedMetabaseCorruption),
            action.Count(isNew), since);
        var cell = Put(ws.Cell(4, 1), headline);
        cell.Style.Font.SetBold().Font.SetFontSize(15).Alignment.SetWrapText(true).Alignment.SetVertical(XLAlignmentVerticalValues.Center);
        cell.Style.Fill.BackgroundColor = XLColor.FromHtml("#" + VerdictStyle.Fill(action.Count > 0 ? Verdict.MissingSinks : Verdict.Healthy));
        ws.Range(4, 1, 4, LastPrinted).Merge();
        ws.Row(4).Height = Math.Max(1, StreamedRows.WrapLines(headline, (int)(Widths.Sum() / 1.45))) * 21 + 8;

        // The hosts that need action: new ones first, then missing sinks before metabase, longest in the verdict first.
        var row = 6;
        if (action.Count > 0)
        {
            string[] headers = [Text(Label.ReportNew), Text(Label.ReportHost), Text(Label.ReportName), Text(Label.ReportSite), Text(Label.ReportProblem), Text(Label.ReportWhatToDo), Text(Label.ReportMissingKeywords)];
            HeaderRow(ws, row, 1, headers);
            row++;
            foreach (var result in action.OrderBy(r => isNew(r) ? 0 : 1).ThenBy(r => r.Verdict).ThenBy(r => r.VerdictSince ?? r.ProbedAt).Take(ActionRows))
            {
                if (isNew(result))
                {
                    Put(ws.Cell(row, 1), Text(Label.ReportNewMark)).Style.Font.SetBold().Fill.SetBackgroundColor(XLColor.FromHtml("#FFD966"));
                }

                Put(ws.Cell(row, 2), result.HostKey);
                Put(ws.Cell(row, 3), result.Name);
                Put(ws.Cell(row, 4), result.Site);
                Put(ws.Cell(row, 5), Title(result.Verdict)).Style.Fill.SetBackgroundColor(XLColor.FromHtml("#" + VerdictStyle.Fill(result.Verdict)));
                if (ExcelReport.MainProcedure(knowledge.For(result.Verdict, result.Reason, formats.Language)) is { } procedure)
                {
                    var link = Put(ws.Cell(row, 6), procedure.Title);
                    if (procedures.TryGetValue(procedure.Id, out var location))
                    {
                        link.Hyperlink = new XLHyperlink(location);
                        link.Style.Font.SetUnderline(XLFontUnderlineValues.Single).Font.SetFontColor(XLColor.FromHtml("#0563C1"));
                    }
                }

                Put(ws.Cell(row, 7), string.Join(", ", result.Missing));
                ws.Range(row, 1, row, LastPrinted).Style.Alignment.SetWrapText(true);
                Cells.FitRow(ws, row, Widths);
                row++;
            }

            if (action.Count > ActionRows)
            {
                var sheets = string.Join(", ", action.Select(r => sheetOf(r.Verdict)).Distinct(StringComparer.Ordinal));
                Put(ws.Cell(row, 2), formats.Format(Text(Label.ActionMore), formats.Number(action.Count - ActionRows), sheets)).Style.Font.SetItalic();
                ws.Range(row, 2, row, LastPrinted).Merge();
                row++;
            }

            row++;
        }

        // The quieter line: what could not be checked, other servers, healthy.
        var others = ActionHeadline.Others(formats, v => results.Count(r => r.Verdict == v));
        Put(ws.Cell(row, 1), others).Style.Font.SetFontColor(XLColor.FromHtml("#595959")).Alignment.SetWrapText(true);
        ws.Range(row, 1, row, LastPrinted).Merge();
        ws.Row(row).Height = StreamedRows.WrapLines(others, Widths.Sum()) * StreamedRows.LineHeight + 2;
        row += 2;

        // Hosts per verdict, coloured, with the bar chart beside.
        Section(ws, row++, Text(Label.ReportHostsPerVerdict));
        var verdictHeader = row;
        HeaderRow(ws, row++, 2, [Text(Label.Verdict), Text(Label.ReportHosts)]);
        foreach (var verdict in Enum.GetValues<Verdict>())
        {
            Put(ws.Cell(row, 2), Title(verdict)).Style.Fill.SetBackgroundColor(XLColor.FromHtml("#" + VerdictStyle.Fill(verdict)));
            Number(ws.Cell(row++, 3), results.Count(r => r.Verdict == verdict));
        }

        var barChart = ((3, verdictHeader - 2), (LastPrinted, Math.Max(row, verdictHeader + 13)));
        row = Math.Max(row, verdictHeader + 14) + 1;

        // Changes since the previous run, naming a few hosts each.
        var previousName = changes.SinceRunId is null ? Text(Label.ReportNone)
            : previousStart is { } start ? $"{changes.SinceRunId}, {formats.DateTime(start)}" : changes.SinceRunId;
        Section(ws, row++, $"{Text(Label.ReportChanges)} ({Text(Label.ReportPreviousRun)}: {previousName})");
        HeaderRow(ws, row, 2, [Text(Label.ReportChange), Text(Label.ReportHosts), Text(Label.ReportWhich)]);
        ws.Range(row, 4, row, LastPrinted).Merge();
        row++;
        foreach (var kind in Enum.GetValues<ChangeKind>())
        {
            var hosts = changes.Changes.Where(c => c.Kind == kind).Select(c => c.Name ?? c.HostKey).ToList();
            Put(ws.Cell(row, 2), ChangeText(kind));
            Number(ws.Cell(row, 3), hosts.Count);
            var which = Put(ws.Cell(row, 4), ActionHeadline.Few(formats, hosts, FewNames));
            which.Style.Alignment.SetWrapText(true);
            ws.Range(row, 4, row, LastPrinted).Merge();
            ws.Row(row).Height = StreamedRows.WrapLines(which.GetString(), Widths[3..].Sum()) * StreamedRows.LineHeight + 2;
            row++;
        }

        row++;

        // The most frequent probable causes over the hosts that are not healthy.
        Section(ws, row++, Text(Label.ReportTopCauses));
        HeaderRow(ws, row, 2, [Text(Label.ReportHosts), Text(Label.ReportCause)]);
        ws.Range(row, 3, row, LastPrinted).Merge();
        row++;
        var causes = results.Where(r => r.Verdict != Verdict.Healthy)
            .SelectMany(r => knowledge.For(r.Verdict, r.Reason, formats.Language).Causes.Distinct())
            .GroupBy(c => c, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Take(10)
            .ToList();
        foreach (var cause in causes)
        {
            Number(ws.Cell(row, 2), cause.Count());
            Put(ws.Cell(row, 3), cause.Key).Style.Alignment.SetWrapText(true);
            ws.Range(row, 3, row, LastPrinted).Merge();
            ws.Row(row).Height = StreamedRows.WrapLines(cause.Key, Widths[2..].Sum()) * StreamedRows.LineHeight + 2;
            row++;
        }

        if (causes.Count == 0)
        {
            Put(ws.Cell(row++, 2), Text(Label.ReportNone));
        }

        row++;

        // Hosts per site.
        Section(ws, row++, Text(Label.ReportSites));
        HeaderRow(ws, row++, 2, [Text(Label.ReportSite), Text(Label.ReportHosts), Text(Label.ReportHealthy), Text(Label.ReportNotHealthy)]);
        foreach (var site in results.GroupBy(r => r.Site ?? string.Empty, StringComparer.OrdinalIgnoreCase).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            Put(ws.Cell(row, 2), site.Key.Length == 0 ? Text(Label.ReportNone) : site.Key);
            Number(ws.Cell(row, 3), site.Count());
            Number(ws.Cell(row, 4), site.Count(r => r.Verdict == Verdict.Healthy));
            Number(ws.Cell(row++, 5), site.Count(r => r.Verdict != Verdict.Healthy));
        }

        row++;

        // The run, for auditors.
        Section(ws, row++, Text(Label.ReportAboutRun));
        var facts = new (Label Label, string? Value)[]
        {
            (Label.ReportRun, run.RunId), (Label.ReportStarted, formats.DateTime(run.StartedAt)),
            (Label.ReportFinished, run.FinishedAt is { } finished ? formats.DateTime(finished) : null), (Label.ReportStatus, StatusText(run.Status)),
            (Label.ReportToolVersion, run.ToolVersion), (Label.ReportInventory, run.InventoryPath), (Label.ReportHostsAudited, formats.Number(results.Count)),
            (Label.ReportPreviousRun, previousName),
        };
        foreach (var (label, value) in facts)
        {
            Put(ws.Cell(row, 2), Text(label)).Style.Font.SetBold();
            Put(ws.Cell(row, 3), value).Style.Alignment.SetWrapText(true);
            ws.Range(row, 3, row, LastPrinted).Merge();
            row++;
        }

        // The trend chart over the printed columns; its figures beside them (runs as text labels that never repeat).
        row++;
        var trendChart = ((0, row - 1), (LastPrinted, row + 19));
        var lastPrintedRow = row + 19;
        var trendHeader = row;
        Put(ws.Cell(trendHeader - 1, TrendColumn), Text(Label.ReportChartData)).Style.Font.SetBold();
        HeaderRow(ws, trendHeader, TrendColumn, [Text(Label.ReportRecentRuns), .. Enum.GetValues<Verdict>().Select(Title)]);
        var labels = TrendLabels(recent);
        for (var i = 0; i < recent.Count; i++)
        {
            Put(ws.Cell(trendHeader + 1 + i, TrendColumn), labels[i]);
            var column = TrendColumn + 1;
            foreach (var verdict in Enum.GetValues<Verdict>())
            {
                Number(ws.Cell(trendHeader + 1 + i, column++), recent[i].Counts.FirstOrDefault(c => c.Key == verdict).Value);
            }
        }

        ws.Column(TrendColumn).Width = 18;
        for (var i = 1; i <= Enum.GetValues<Verdict>().Length; i++)
        {
            ws.Column(TrendColumn + i).Width = 14;
        }

        ws.SheetView.ZoomScale = 100;
        return new SummaryLayout(ws.Name, verdictHeader, 2, Enum.GetValues<Verdict>().Length, trendHeader, TrendColumn, recent.Count, barChart, trendChart)
        {
            LastRow = lastPrintedRow,
        };
    }

    /// <summary>
    /// The runs' labels on the trend chart's x axis: the day when a day has one run, else day and time, and a number after
    /// that when two runs still share a label (two runs in one minute): an axis never shows one label twice.
    /// </summary>
    public List<string> TrendLabels(IReadOnlyList<StoredRun> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var perDay = runs.GroupBy(r => formats.Date(r.StartedAt), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var labels = new List<string>(runs.Count);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var run in runs)
        {
            var day = formats.Date(run.StartedAt);
            var label = perDay[day] == 1 ? day : formats.DateTime(run.StartedAt);
            seen[label] = seen.GetValueOrDefault(label) + 1;
            labels.Add(seen[label] == 1 ? label : $"{label} ({seen[label]})");
        }

        return labels;
    }

    /// <summary>A change kind in words ("New problem").</summary>
    public string ChangeText(ChangeKind kind) => Text(kind switch
    {
        ChangeKind.NewProblem => Label.ChangeNewProblem,
        ChangeKind.Recovered => Label.ChangeRecovered,
        ChangeKind.VerdictChanged => Label.ChangeVerdictChanged,
        ChangeKind.StillFailing => Label.ChangeStillFailing,
        ChangeKind.Added => Label.ChangeAdded,
        _ => Label.ChangeRemoved,
    });

    /// <summary>A run status in words ("Abgeschlossen").</summary>
    public string StatusText(AuditRunStatus status) => Text(status switch
    {
        AuditRunStatus.Running => Label.StatusRunning,
        AuditRunStatus.Completed => Label.StatusCompleted,
        AuditRunStatus.Interrupted => Label.StatusInterrupted,
        _ => Label.StatusFailed,
    });

    private IXLCell Put(IXLCell cell, string? text) => Cells.Put(cell, text, cutMark);

    private static void Number(IXLCell cell, int value)
    {
        cell.SetValue(value);

        // Left, beside its label: a number far right of a wide column is read against the wrong row.
        cell.Style.Alignment.Horizontal = XLAlignmentHorizontalValues.Left;
        cell.Style.NumberFormat.Format = "#,##0";
    }

    private void Section(IXLWorksheet ws, int row, string title)
    {
        Put(ws.Cell(row, 2), title).Style.Font.SetBold().Font.SetFontSize(13);
    }

    private void HeaderRow(IXLWorksheet ws, int row, int firstColumn, string[] names)
    {
        for (var i = 0; i < names.Length; i++)
        {
            Put(ws.Cell(row, firstColumn + i), names[i]);
        }

        var range = ws.Range(row, firstColumn, row, firstColumn + names.Length - 1);
        range.Style.Font.Bold = true;
        range.Style.Fill.BackgroundColor = XLColor.FromHtml("#D9D9D9");
        range.Style.Border.BottomBorder = XLBorderStyleValues.Thin;
        range.Style.Alignment.WrapText = true;
    }
}
