using System.Collections.Immutable;
using System.Globalization;
using ClosedXML.Excel;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Knowledge;
using ExchangeSmtpFleet.Core.Profiles;
using ExchangeSmtpFleet.Core.Storage;

namespace ExchangeSmtpFleet.Infrastructure.Reporting;

/// <summary>
/// The workbook for management (SPEC 8), built from a stored run: a summary (the run, hosts per verdict, the changes since
/// the run before, the most frequent probable causes, hosts per site, recent runs), one sheet per verdict group with
/// causes, remediation links and days in the verdict, and the remediation procedures used. Every list is an Excel table
/// with a filter and a frozen header; widths are set, never measured (AdjustToContents needs libgdiplus and is slow).
/// </summary>
public static class ExcelReport
{
    private const int RecentRuns = 30;

    private static readonly (Label Sheet, Verdict[] Verdicts)[] Groups =
    [
        (Label.ReportHealthy, [Verdict.Healthy]),
        (Label.ReportMissingSinks, [Verdict.MissingSinks]),
        (Label.ReportMetabase, [Verdict.SuspectedMetabaseCorruption]),
        (Label.ReportOther, [Verdict.UnexpectedServer, Verdict.Rejected, Verdict.ProtocolError, Verdict.Unreachable]),
    ];

    /// <summary>Writes the workbook of <paramref name="runId"/> to <paramref name="path"/> (folder created).</summary>
    /// <param name="store">Where the run is stored.</param>
    /// <param name="runId">A run id or <c>latest</c>.</param>
    /// <param name="path">The .xlsx file to write.</param>
    /// <param name="language">The language of everything people read.</param>
    /// <param name="cancellationToken">Stops reading the run.</param>
    /// <returns>The run the workbook shows.</returns>
    /// <exception cref="StoreException">The run cannot be read.</exception>
    /// <exception cref="KeyNotFoundException">No such run.</exception>
    public static async Task<StoredRun> WriteAsync(IAuditHistory store, string runId, string path, Language language, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var run = await store.FindRunAsync(runId, cancellationToken).ConfigureAwait(false)
            ?? throw new KeyNotFoundException($"no run '{runId}' in {store.Description}");
        var results = new List<StoredResult>(run.HostCount);
        await foreach (var result in store.ReadResultsAsync(run.RunId, cancellationToken).ConfigureAwait(false))
        {
            results.Add(result);
        }

        var keywords = new Dictionary<string, ImmutableArray<string>>(StringComparer.Ordinal);
        await foreach (var (host, advertised) in store.ReadKeywordsAsync(run.RunId, cancellationToken).ConfigureAwait(false))
        {
            keywords[host] = advertised;
        }

        var changes = await store.ChangesAsync(run.RunId, null, cancellationToken).ConfigureAwait(false);
        var problems = await store.InventoryProblemsAsync(run.RunId, cancellationToken).ConfigureAwait(false);
        var recent = await store.ListRunsAsync(RecentRuns, cancellationToken).ConfigureAwait(false);
        var writer = new Writer(KnowledgeBase.BuiltIn, language);
        using var workbook = new XLWorkbook();
        var remediation = writer.Remediation(workbook, results);
        var layout = writer.Summary(workbook, run, results, changes, recent.Where(r => r.StartedAt <= run.StartedAt).Reverse().ToList());
        var streamed = new List<(string Sheet, IAsyncEnumerable<object?[]> Rows)>();
        foreach (var (sheet, verdicts) in Groups)
        {
            streamed.Add((writer.Text(sheet), writer.Group(workbook, sheet, verdicts, run, results, remediation).ToAsyncEnumerable()));
        }

        streamed.Add((writer.Text(Label.ReportKeywordMatrix), writer.KeywordMatrix(workbook, results, keywords).ToAsyncEnumerable()));
        writer.RawResultsSheet(workbook, results.Count);
        writer.InventoryProblems(workbook, problems);

        // Management reads the summary first; the remediation procedures, which the group sheets link to, come last.
        workbook.Worksheet(writer.Text(Label.ReportSummary)).SetTabActive().Position = 1;
        workbook.Worksheet(writer.Text(Label.ReportRemediation)).Position = workbook.Worksheets.Count;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        workbook.SaveAs(path);
        Charts.AddTo(path, layout, writer.Text(Label.ReportHostsPerVerdict), writer.Text(Label.ReportRecentRuns));
        if (results.Count > 0)
        {
            // The rows of the group sheets, the keyword matrix and the raw results, streamed into the saved workbook: as
            // ClosedXML cells they were most of its memory.
            streamed.Add((writer.Text(Label.ReportRawResults), Writer.RawRows(results, store.ReadEvidenceAsync(run.RunId, cancellationToken))));
            await StreamedRows.WriteAsync(path, writer.DateFormat, writer.Text(Label.ReportCut), streamed, cancellationToken).ConfigureAwait(false);
        }

        return run;
    }

    /// <summary>Writes one workbook: texts in one language, numbers and dates in its culture.</summary>
    private sealed class Writer(KnowledgeBase knowledge, Language language)
    {
        private readonly CultureInfo _culture = LanguageCodes.CultureOf(language);
        private readonly string _dateFormat = language == Language.German ? "dd.MM.yyyy HH:mm" : "yyyy-MM-dd HH:mm";
        private int _tables;

        public string Text(Label label) => knowledge.LabelText(label, language);

        public string VerdictText(Verdict verdict) => knowledge.VerdictTitle(verdict, language);

        /// <summary>The procedures the run's hosts need, one block each; returns the cell each procedure starts at.</summary>
        public Dictionary<string, IXLCell> Remediation(XLWorkbook workbook, List<StoredResult> results)
        {
            var ws = workbook.Worksheets.Add(Text(Label.ReportRemediation));
            var procedures = results
                .SelectMany(r => knowledge.For(r.Verdict, r.Reason, language).Procedures)
                .GroupBy(p => p.Id, StringComparer.Ordinal)
                .Select(g => g.First())
                .ToList();
            var anchors = new Dictionary<string, IXLCell>(StringComparer.Ordinal);
            Header(ws, 1, [Text(Label.ReportProcedure), Text(Label.ReportKind), Text(Label.ReportStep), Text(Label.ReportText)]);
            var row = 2;
            foreach (var procedure in procedures)
            {
                anchors[procedure.Id] = ws.Cell(row, 1);
                var lines = new List<(string Kind, string Text)>();
                lines.AddRange(procedure.Prerequisites.Select(p => (knowledge.LabelText(Label.Prerequisite, language), p)));
                lines.AddRange(procedure.Steps.Select(s => (Text(Label.ReportStep), s)));
                lines.AddRange(procedure.Warnings.Select(w => (knowledge.LabelText(Label.Warning, language), w)));
                if (procedure.Reference is { } reference)
                {
                    lines.Add((Text(Label.ReportReference), reference));
                }

                var step = 0;
                foreach (var (kind, text) in lines)
                {
                    Put(ws.Cell(row, 1), procedure.Title);
                    Put(ws.Cell(row, 2), kind);
                    if (kind == Text(Label.ReportStep))
                    {
                        ws.Cell(row, 3).SetValue(++step);
                    }

                    Put(ws.Cell(row, 4), text);
                    row++;
                }
            }

            Table(ws, 1, row - 1, 4, [40, 16, 8, 110]);
            ws.Column(4).Style.Alignment.WrapText = true;
            return anchors;
        }

        public SummaryLayout Summary(XLWorkbook workbook, StoredRun run, List<StoredResult> results, RunChanges changes, List<StoredRun> recent)
        {
            var ws = workbook.Worksheets.Add(Text(Label.ReportSummary));
            ws.Cell(1, 1).SetValue(Text(Label.ReportTitle)).Style.Font.SetBold().Font.SetFontSize(16);
            var facts = new (Label Label, object? Value)[]
            {
                (Label.ReportRun, run.RunId), (Label.ReportStarted, run.StartedAt.UtcDateTime), (Label.ReportFinished, run.FinishedAt?.UtcDateTime),
                (Label.ReportStatus, run.Status.ToString()), (Label.ReportToolVersion, run.ToolVersion), (Label.ReportInventory, run.InventoryPath),
                (Label.ReportHostsAudited, results.Count),
            };
            var row = 3;
            foreach (var (label, value) in facts)
            {
                Put(ws.Cell(row, 1), Text(label));
                ws.Cell(row, 1).Style.Font.SetBold();
                Value(ws.Cell(row, 2), value);
                row++;
            }

            // Hosts per verdict.
            row++;
            var start = row;
            var verdictHeader = row;
            Header(ws, row++, [Text(Label.Verdict), Text(Label.ReportHosts)]);
            foreach (var verdict in Enum.GetValues<Verdict>())
            {
                Put(ws.Cell(row, 1), VerdictText(verdict));
                ws.Cell(row++, 2).SetValue(results.Count(r => r.Verdict == verdict));
            }

            Table(ws, start, row - 1, 2, null);

            // Changes since the previous run.
            row++;
            Put(ws.Cell(row++, 1), $"{Text(Label.ReportChanges)} ({Text(Label.ReportPreviousRun)}: {changes.SinceRunId ?? Text(Label.ReportNone)})");
            start = row;
            Header(ws, row++, [Text(Label.ReportChange), Text(Label.ReportHosts)]);
            foreach (var kind in Enum.GetValues<ChangeKind>())
            {
                Put(ws.Cell(row, 1), kind.ToString());
                ws.Cell(row++, 2).SetValue(changes.Changes.Count(c => c.Kind == kind));
            }

            Table(ws, start, row - 1, 2, null);

            // Most frequent probable causes over the hosts that are not healthy.
            row++;
            start = row;
            Header(ws, row++, [Text(Label.ReportTopCauses), Text(Label.ReportHosts)]);
            var causes = results.Where(r => r.Verdict != Verdict.Healthy)
                .SelectMany(r => knowledge.For(r.Verdict, r.Reason, language).Causes.Distinct())
                .GroupBy(c => c, StringComparer.Ordinal)
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                .Take(10)
                .ToList();
            foreach (var cause in causes)
            {
                Put(ws.Cell(row, 1), cause.Key);
                ws.Cell(row++, 2).SetValue(cause.Count());
            }

            if (causes.Count == 0)
            {
                Put(ws.Cell(row++, 1), Text(Label.ReportNone));
            }

            Table(ws, start, row - 1, 2, null);

            // Hosts per site.
            row++;
            start = row;
            Header(ws, row++, [Text(Label.ReportSite), Text(Label.ReportHosts), Text(Label.ReportHealthy), Text(Label.ReportNotHealthy)]);
            foreach (var site in results.GroupBy(r => r.Site ?? string.Empty, StringComparer.OrdinalIgnoreCase).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                Put(ws.Cell(row, 1), site.Key.Length == 0 ? Text(Label.ReportNone) : site.Key);
                ws.Cell(row, 2).SetValue(site.Count());
                ws.Cell(row, 3).SetValue(site.Count(r => r.Verdict == Verdict.Healthy));
                ws.Cell(row++, 4).SetValue(site.Count(r => r.Verdict != Verdict.Healthy));
            }

            Table(ws, start, row - 1, 4, null);

            // Recent runs, oldest first: the counts per verdict over time.
            row++;
            Put(ws.Cell(row++, 1), Text(Label.ReportRecentRuns));
            start = row;
            var trendHeader = row;
            Header(ws, row++, [Text(Label.ReportStarted), .. Enum.GetValues<Verdict>().Select(VerdictText)]);
            foreach (var past in recent)
            {
                // Text, not a date: the trend chart's categories are runs, and a date axis would merge two runs of one day.
                Put(ws.Cell(row, 1), past.StartedAt.UtcDateTime.ToString(_dateFormat, _culture));
                var column = 2;
                foreach (var (_, count) in past.Counts)
                {
                    ws.Cell(row, column++).SetValue(count);
                }

                row++;
            }

            Table(ws, start, row - 1, 1 + Enum.GetValues<Verdict>().Length, null);
            ws.Column(1).Width = 62;
            ws.Column(2).Width = 40;
            foreach (var column in Enumerable.Range(3, Enum.GetValues<Verdict>().Length))
            {
                ws.Column(column).Width = 16;
            }

            ws.PageSetup.PageOrientation = XLPageOrientation.Landscape;
            ws.PageSetup.FitToPages(1, 1);
            return new SummaryLayout(ws.Name, verdictHeader, Enum.GetValues<Verdict>().Length, trendHeader, recent.Count);
        }

        public IEnumerable<object?[]> Group(XLWorkbook workbook, Label sheet, Verdict[] verdicts, StoredRun run, List<StoredResult> results, Dictionary<string, IXLCell> remediation)
        {
            var ws = workbook.Worksheets.Add(Text(sheet));
            Header(ws, 1, [Text(Label.ReportHost), Text(Label.ReportName), Text(Label.ReportSite), Text(Label.ReportOwner), Text(Label.Family),
                Text(Label.Verdict), Text(Label.Reason), Text(Label.Missing), Text(Label.Causes), Text(Label.ReportRemediation), Text(Label.ReportSince),
                Text(Label.ReportDays)]);
            var members = results.Where(r => verdicts.Contains(r.Verdict)).ToList();
            if (members.Count == 0)
            {
                Put(ws.Cell(2, 1), Text(Label.ReportNone));
            }

            // Over the header and one row; StreamedRows extends it to the rows it writes.
            Table(ws, 1, 2, 12, [30, 24, 16, 18, 26, 28, 26, 40, CausesWidth, 34, 18, 8]);
            ws.Column(9).Style.Alignment.WrapText = true;
            var anchors = remediation.ToDictionary(
                a => a.Key, a => $"'{a.Value.Worksheet.Name.Replace("'", "''", StringComparison.Ordinal)}'!{a.Value.Address.ToStringRelative(includeSheet: false)}",
                StringComparer.Ordinal);

            // The rows, written after saving (StreamedRows): the Healthy sheet alone holds most of a fleet.
            return members.Select(result =>
            {
                var advice = knowledge.For(result.Verdict, result.Reason, language);
                var link = advice.Procedures.FirstOrDefault() is { } procedure && anchors.TryGetValue(procedure.Id, out var location)
                    ? new SheetLink(procedure.Title, location)
                    : null;
                return new object?[]
                {
                    result.HostKey, result.Name, result.Site, result.Owner, result.Family, VerdictText(result.Verdict), result.Reason.ToString(),
                    string.Join(", ", result.Missing), new WrappedText(string.Join("\n", advice.Causes), CausesWidth), link, result.VerdictSince?.UtcDateTime,
                    result.VerdictSince is { } since ? (int)Math.Floor((run.StartedAt - since).TotalDays) : null,
                };
            });
        }

        /// <summary>
        /// Host by keyword: present, missing (required by the host's profile, not advertised) or not expected (advertised,
        /// unknown to the profile); the profiles' required keywords first. Hosts that gave no list stay empty.
        /// </summary>
        public IEnumerable<object?[]> KeywordMatrix(XLWorkbook workbook, List<StoredResult> results, Dictionary<string, ImmutableArray<string>> keywords)
        {
            var ws = workbook.Worksheets.Add(Text(Label.ReportKeywordMatrix));
            var profiles = results.Select(r => r.Profile).Distinct(StringComparer.OrdinalIgnoreCase)
                .Select(id => ProfileCatalog.BuiltIn.TryGet(id, out var p) ? p : null).OfType<ServerProfile>().ToList();
            var required = profiles.SelectMany(p => p.RequiredKeywords).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            var others = keywords.Values.SelectMany(k => k).Except(required, StringComparer.OrdinalIgnoreCase)
                .Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();
            var columns = required.Concat(others).ToList();
            Header(ws, 1, [Text(Label.ReportHost), Text(Label.Verdict), .. columns]);
            var (present, missing, unexpected) = (Text(Label.ReportPresent), Text(Label.ReportMissingKeyword), Text(Label.ReportNotExpected));
            if (results.Count == 0)
            {
                Put(ws.Cell(2, 1), Text(Label.ReportNone));
            }

            // The table and the formats over the header and one row; StreamedRows extends them to the rows it writes.
            const int last = 2;
            Table(ws, 1, last, columns.Count + 2, [30, 28, .. columns.Select(_ => 14)]);
            ws.SheetView.Freeze(1, 2);
            if (columns.Count > 0 && results.Count > 0)
            {
                var cells = ws.Range(2, 3, last, columns.Count + 2);
                cells.AddConditionalFormat().WhenContains(missing).Fill.SetBackgroundColor(XLColor.FromHtml("#F4B6B6"));
                cells.AddConditionalFormat().WhenContains(present).Fill.SetBackgroundColor(XLColor.FromHtml("#C6E7C6"));
                cells.AddConditionalFormat().WhenContains(unexpected).Fill.SetBackgroundColor(XLColor.FromHtml("#FCE8A6"));
            }

            // The rows, written after saving (StreamedRows): host, verdict, then one cell per keyword.
            return results.Select(result =>
            {
                var values = new object?[columns.Count + 2];
                values[0] = result.HostKey;
                values[1] = VerdictText(result.Verdict);
                if (keywords.TryGetValue(result.HostKey, out var advertised) && ProfileCatalog.BuiltIn.TryGet(result.Profile, out var profile))
                {
                    var set = advertised.ToHashSet(StringComparer.OrdinalIgnoreCase);
                    for (var i = 0; i < columns.Count; i++)
                    {
                        var keyword = columns[i];
                        values[i + 2] = set.Contains(keyword)
                            ? (profile.Knows(keyword) ? present : unexpected)
                            : (profile.RequiredKeywords.Contains(keyword, StringComparer.OrdinalIgnoreCase) ? missing : null);
                    }
                }

                return values;
            });
        }

        /// <summary>The width of the group sheets' causes column, in characters.</summary>
        private const int CausesWidth = 60;

        /// <summary>The fields of the raw results sheet.</summary>
        private static readonly string[] RawFields =
        [
            "host", "name", "site", "owner", "profile", "verdict", "reason", "family", "familyEvidence", "version", "banner", "greeting", "missing",
            "unexpected", "detail", "tls", "address", "attempts", "connectMs", "bannerMs", "ehloMs", "tlsMs", "totalMs", "probedAt",
            "previousVerdict", "verdictSince", "findings", "transcript",
        ];

        public string DateFormat => _dateFormat;

        /// <summary>
        /// The raw results sheet as ClosedXML writes it: the header and the table (extended to every row later). The rows are
        /// written after saving, streamed (<see cref="RawRows"/>, <see cref="StreamedRows"/>): held as ClosedXML cells they
        /// were the largest part of the report's memory.
        /// </summary>
        public void RawResultsSheet(XLWorkbook workbook, int results)
        {
            var ws = workbook.Worksheets.Add(Text(Label.ReportRawResults));
            Header(ws, 1, RawFields);
            if (results == 0)
            {
                Put(ws.Cell(2, 1), Text(Label.ReportNone));
            }

            Table(ws, 1, 2, RawFields.Length, [30, 22, 14, 16, 14, 26, 24, 24, 30, 12, 50, 40, 30, 20, 40, 30, 16, 9, 10, 10, 10, 10, 10, 18, 24, 18, 60, 80]);
        }

        /// <summary>Every stored field of every result, its findings and its transcript: the evidence for auditors.</summary>
        public static async IAsyncEnumerable<object?[]> RawRows(List<StoredResult> results, IAsyncEnumerable<StoredEvidence> evidence)
        {
            var byHost = results.ToDictionary(r => r.HostKey, StringComparer.Ordinal);
            await foreach (var e in evidence.ConfigureAwait(false))
            {
                if (!byHost.TryGetValue(e.HostKey, out var r))
                {
                    continue;
                }

                yield return
                [
                    r.HostKey, r.Name, r.Site, r.Owner, r.Profile, r.Verdict.ToString(), r.Reason.ToString(), r.Family, e.FamilyEvidence, e.Version,
                    r.Banner, e.Greeting, string.Join(", ", r.Missing), string.Join(", ", e.Unexpected), r.Detail, e.Tls, e.Address, e.Attempts,
                    e.ConnectMs, e.BannerMs, e.EhloMs, e.TlsMs, e.TotalMs, r.ProbedAt.UtcDateTime, r.PreviousVerdict?.ToString(),
                    r.VerdictSince?.UtcDateTime, string.Join("\n", e.Findings), e.Transcript,
                ];
            }
        }

        /// <summary>The rows of the inventory that could not be audited, with their line numbers.</summary>
        public void InventoryProblems(XLWorkbook workbook, IReadOnlyList<StoredProblem> problems)
        {
            var ws = workbook.Worksheets.Add(Text(Label.ReportInventoryProblems));
            Header(ws, 1, [Text(Label.ReportLine), Text(Label.Reason), Text(Label.ReportRawText)]);
            var row = 2;
            foreach (var problem in problems)
            {
                ws.Cell(row, 1).SetValue(problem.LineNumber);
                Put(ws.Cell(row, 2), problem.Reason);
                Put(ws.Cell(row++, 3), problem.RawText);
            }

            if (row == 2)
            {
                Put(ws.Cell(row++, 2), Text(Label.ReportNone));
            }

            Table(ws, 1, row - 1, 3, [8, 60, 80]);
        }

        private static void Header(IXLWorksheet ws, int row, string[] names)
        {
            for (var i = 0; i < names.Length; i++)
            {
                ws.Cell(row, i + 1).SetValue(names[i]);
            }
        }

        /// <summary>Text that came from the network, an inventory or the knowledge base: a string cell, never a formula.</summary>
        private void Put(IXLCell cell, string? text)
        {
            var clean = CellText.Clean(text, Text(Label.ReportCut));
            cell.SetValue(clean);
            if (CellText.LooksLikeFormula(clean))
            {
                // Stored as text already; the quote prefix keeps it text when someone edits the cell in Excel.
                cell.Style.IncludeQuotePrefix = true;
            }
        }

        private void Value(IXLCell cell, object? value)
        {
            switch (value)
            {
                case null:
                    break;
                case DateTime time:
                    cell.SetValue(time);
                    cell.Style.DateFormat.Format = _dateFormat;
                    break;
                case int number:
                    cell.SetValue(number);
                    break;
                default:
                    Put(cell, Convert.ToString(value, _culture));
                    break;
            }
        }

        /// <summary>Makes a range an Excel table (filter buttons) with its header frozen when it starts the sheet.</summary>
        private void Table(IXLWorksheet ws, int firstRow, int lastRow, int columns, int[]? widths)
        {
            var table = ws.Range(firstRow, 1, Math.Max(lastRow, firstRow + 1), columns).CreateTable($"T{++_tables}");
            table.Theme = XLTableTheme.TableStyleLight9;
            if (firstRow == 1)
            {
                ws.SheetView.FreezeRows(1);
            }

            for (var i = 0; widths is not null && i < widths.Length; i++)
            {
                ws.Column(i + 1).Width = widths[i];
            }
        }
    }
}
