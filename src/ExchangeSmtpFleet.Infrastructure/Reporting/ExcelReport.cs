using System.Collections.Immutable;
using System.Globalization;
using ClosedXML.Excel;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Knowledge;
using ExchangeSmtpFleet.Core.Profiles;
using ExchangeSmtpFleet.Core.Storage;

namespace ExchangeSmtpFleet.Infrastructure.Reporting;

/// <summary>
/// The workbook for management (SPEC 8, issue 19), built from a stored run: page 1 is the action page (<see cref="SummarySheet"/>),
/// then one sheet per verdict group with the procedure for each host, the keyword matrix, the raw results, the inventory
/// problems and the remediation procedures. Every list is an Excel table with a filter and a frozen header; widths are
/// set, never measured (AdjustToContents needs libgdiplus and is slow); every sheet prints (<see cref="PrintSetup"/>).
/// </summary>
public static class ExcelReport
{
    private const int RecentRuns = 30;

    /// <summary>Keyword columns of the matrix at most; the rarest keywords beyond share one column (Excel stops at 16,384).</summary>
    public const int MaxKeywordColumns = 200;

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
        var previousStart = changes.SinceRunId is not { } since ? null
            : (recent.FirstOrDefault(r => r.RunId == since) ?? await store.FindRunAsync(since, cancellationToken).ConfigureAwait(false))?.StartedAt;

        var writer = new Writer(KnowledgeBase.BuiltIn, language, run, changes.SinceRunId is not null);
        using var workbook = new XLWorkbook();
        var remediation = writer.Remediation(workbook, results);
        var layout = new SummarySheet(KnowledgeBase.BuiltIn, writer.Formats, writer.Text(Label.ReportCut), writer.ProcedureWidth).Write(
            workbook, run, results, changes, previousStart, [.. recent.Where(r => r.StartedAt <= run.StartedAt).Reverse()], remediation, writer.IsNew,
            verdict => writer.Text(Groups.First(g => g.Verdicts.Contains(verdict)).Sheet));
        var streamed = new List<StreamedSheet>();
        foreach (var (sheet, verdicts) in Groups)
        {
            streamed.Add(writer.Group(workbook, sheet, verdicts, results, remediation));
        }

        streamed.Add(writer.KeywordMatrix(workbook, results, keywords));
        writer.RawResultsSheet(workbook, results.Count);
        writer.InventoryProblems(workbook, problems);

        // Management reads the summary first; the remediation procedures, which the group sheets link to, come last.
        var summary = workbook.Worksheet(layout.Sheet);
        summary.SetTabActive().Position = 1;
        PrintSetup.Apply(summary, writer.Formats, run.RunId, writer.Text(Label.ReportPageOf), headerRow: false, printArea: $"A1:G{layout.LastRow}");
        workbook.Worksheet(writer.Text(Label.ReportRemediation)).Position = workbook.Worksheets.Count;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        workbook.SaveAs(path);
        PrintSetup.AbsoluteTitles(path);
        Charts.AddTo(path, layout, writer.Text(Label.ReportHostsPerVerdict), writer.Text(Label.ReportRecentRuns));
        if (results.Count > 0)
        {
            // The rows of the group sheets, the keyword matrix and the raw results, streamed into the saved workbook: as
            // ClosedXML cells they were most of its memory.
            streamed.Add(new StreamedSheet(writer.Text(Label.ReportRawResults), Writer.RawRows(results, store.ReadEvidenceAsync(run.RunId, cancellationToken)), null));
            await StreamedRows.WriteAsync(path, writer.Formats.DateTimeFormat, writer.Text(Label.ReportCut), streamed, cancellationToken).ConfigureAwait(false);
        }

        return run;
    }

    /// <summary>The one procedure a host's advice names to run: the full one when cheaper checks come before it; null when none is needed.</summary>
    internal static Procedure? MainProcedure(Advice advice) => advice.Procedures.IsDefaultOrEmpty ? null : advice.Procedures[^1];

    /// <summary>Writes one workbook: texts in one language, numbers and dates in its culture.</summary>
    private sealed class Writer(KnowledgeBase knowledge, Language language, StoredRun run, bool hasPrevious)
    {
        private int _tables;

        public ReportFormats Formats { get; } = ReportFormats.For(language);

        public string Text(Label label) => knowledge.LabelText(label, language);

        public string VerdictText(Verdict verdict) => knowledge.VerdictTitle(verdict, language);

        /// <summary>New to its verdict since the previous run (a host added since then too); nothing is new in a first run.</summary>
        public bool IsNew(StoredResult result) => hasPrevious && result.PreviousVerdict != result.Verdict;

        /// <summary>The width of a column that names procedures: the longest title of this language fits on one line.</summary>
        public int ProcedureWidth => Math.Max(20, ProcedureIds.Max(id => knowledge.ProcedureFor(id, language).Title.Length) + 3);

        private static readonly string[] ProcedureIds = ["load-exchange-smtp", "cheap-checks", "network", "review-inventory"];

        private void Print(IXLWorksheet ws, int pagesWide = 1, string? area = null) =>
            PrintSetup.Apply(ws, Formats, run.RunId, Text(Label.ReportPageOf), headerRow: true, pagesWide, area);

        /// <summary>The procedures the run's hosts need, one block each; returns where each procedure starts (<c>'Sheet'!A5</c>).</summary>
        public Dictionary<string, string> Remediation(XLWorkbook workbook, List<StoredResult> results)
        {
            var ws = workbook.Worksheets.Add(Text(Label.ReportRemediation));
            var procedures = results
                .SelectMany(r => knowledge.For(r.Verdict, r.Reason, language).Procedures)
                .GroupBy(p => p.Id, StringComparer.Ordinal)
                .Select(g => g.First())
                .ToList();
            var anchors = new Dictionary<string, string>(StringComparer.Ordinal);
            int[] widths = [ProcedureWidth, 14, 7, 95];
            Header(ws, 1, [Text(Label.ReportProcedure), Text(Label.ReportKind), Text(Label.ReportStep), Text(Label.ReportText)]);
            var row = 2;
            foreach (var procedure in procedures)
            {
                anchors[procedure.Id] = Cells.Location(ws.Cell(row, 1));
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
                    Cells.FitRow(ws, row, widths);
                    row++;
                }
            }

            Table(ws, 1, row - 1, 4, widths);
            var body = ws.Range(2, 1, Math.Max(2, row - 1), 4).Style;
            body.Alignment.WrapText = true;
            body.Alignment.Vertical = XLAlignmentVerticalValues.Top;
            Print(ws);
            return anchors;
        }

        /// <summary>
        /// One verdict group's sheet: who (host, name, site, owner, whether new to this verdict since the previous run), what
        /// (the verdict only where the sheet mixes verdicts, missing keywords or the reason, probable causes), what to do (the
        /// procedure, linked), since when, and the inventory's comment when it has one. The rows are streamed after saving.
        /// </summary>
        public StreamedSheet Group(XLWorkbook workbook, Label sheet, Verdict[] verdicts, List<StoredResult> results, Dictionary<string, string> remediation)
        {
            var ws = workbook.Worksheets.Add(Text(sheet));
            var members = results.Where(r => verdicts.Contains(r.Verdict)).ToList();
            var mixed = verdicts.Length > 1;
            var healthy = verdicts is [Verdict.Healthy];
            var columns = new List<(string Header, int Width, Func<StoredResult, Advice, object?> Value)>
            {
                (Text(Label.ReportHost), 24, (r, _) => r.HostKey),
                (Text(Label.ReportName), 20, (r, _) => r.Name),
                (Text(Label.ReportSite), 12, (r, _) => r.Site),
                (Text(Label.ReportOwner), 16, (r, _) => r.Owner),
                (Text(Label.ReportNew), 7, (r, _) => IsNew(r) ? new MarkText(Text(Label.ReportNewMark)) : null),
            };
            if (mixed || healthy)
            {
                columns.Add((Text(Label.Family), 16, (r, _) => r.Family));
            }

            if (mixed)
            {
                columns.Add((Text(Label.Verdict), 20, (r, _) => new VerdictText(VerdictText(r.Verdict), r.Verdict)));
                columns.Add((Text(Label.Reason), 36, (_, a) => a.Summary));
            }
            else if (!healthy)
            {
                columns.Add((Text(Label.ReportMissingKeywords), 22, (r, _) => string.Join(", ", r.Missing)));
            }

            if (!healthy)
            {
                columns.Add((Text(Label.Causes), 44, (_, a) => string.Join("\n", a.Causes)));
                // As wide as the longest procedure's name: LibreOffice never wraps a link.
                columns.Add((Text(Label.ReportWhatToDo), ProcedureWidth, (_, a) => MainProcedure(a) is { } p && remediation.TryGetValue(p.Id, out var location)
                    ? new SheetLink(p.Title, location)
                    : MainProcedure(a)?.Title));
            }

            columns.Add((Text(Label.ReportSince), 16, (r, _) => r.VerdictSince?.UtcDateTime));
            columns.Add((Text(Label.ReportDays), 7, (r, _) => r.VerdictSince is { } since ? (int)Math.Floor((run.StartedAt - since).TotalDays) : null));
            if (members.Any(r => !string.IsNullOrWhiteSpace(r.Comment)))
            {
                columns.Add((Text(Label.ReportComment), 28, (r, _) => r.Comment));
            }

            Header(ws, 1, [.. columns.Select(c => c.Header)]);
            if (members.Count == 0)
            {
                Put(ws.Cell(2, 1), Text(Label.ReportNone));
            }

            // Over the header and one row; StreamedRows extends it to the rows it writes.
            int[] widths = [.. columns.Select(c => c.Width)];
            Table(ws, 1, 2, columns.Count, widths);
            Print(ws);

            // The rows, written after saving (StreamedRows): the Healthy sheet alone holds most of a fleet.
            var rows = members.Select(result =>
            {
                var advice = knowledge.For(result.Verdict, result.Reason, language);
                return columns.Select(c => c.Value(result, advice)).ToArray();
            });
            return new StreamedSheet(ws.Name, rows.ToAsyncEnumerable(), widths);
        }

        /// <summary>
        /// Host by keyword: present, missing (required by the host's profile, not advertised) or unexpected (advertised, unknown
        /// to the profile); the profiles' required keywords first, then the others by how many hosts advertise them. A keyword
        /// is a header like any text from outside: cleaned, made unique, quote-prefixed when it looks like a formula. Beyond
        /// <see cref="MaxKeywordColumns"/> the rarest keywords share one column that lists them per host.
        /// </summary>
        public StreamedSheet KeywordMatrix(XLWorkbook workbook, List<StoredResult> results, Dictionary<string, ImmutableArray<string>> keywords)
        {
            var ws = workbook.Worksheets.Add(Text(Label.ReportKeywordMatrix));
            var profiles = results.Select(r => r.Profile).Distinct(StringComparer.OrdinalIgnoreCase)
                .Select(id => ProfileCatalog.BuiltIn.TryGet(id, out var p) ? p : null).OfType<ServerProfile>().ToList();
            var required = profiles.SelectMany(p => p.RequiredKeywords).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            var hostsPer = keywords.Values.SelectMany(k => k.Distinct(StringComparer.OrdinalIgnoreCase))
                .GroupBy(k => k, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Count(), StringComparer.OrdinalIgnoreCase);
            var others = hostsPer.Keys.Except(required, StringComparer.OrdinalIgnoreCase)
                .OrderByDescending(k => hostsPer[k]).ThenBy(k => k, StringComparer.Ordinal).ToList();
            var kept = Math.Max(0, MaxKeywordColumns - required.Count);
            var folded = others.Skip(kept).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var columns = required.Concat(others.Take(kept).Order(StringComparer.Ordinal)).ToList();
            var cut = Text(Label.ReportCut);
            var headers = UniqueHeaders([Text(Label.ReportHost), Text(Label.Verdict), .. columns, .. folded.Count > 0
                ? [Formats.Format(Text(Label.ReportOtherKeywords), Formats.Number(folded.Count))]
                : Array.Empty<string>()]);
            Header(ws, 1, headers);
            var (present, missing, unexpected) = (Text(Label.ReportPresent), Text(Label.ReportMissingKeyword), Text(Label.ReportNotExpected));
            if (results.Count == 0)
            {
                Put(ws.Cell(2, 1), Text(Label.ReportNone));
            }

            // The table and the formats over the header and one row; StreamedRows extends them to the rows it writes.
            const int last = 2;
            int[] widths = [26, 34, .. columns.Select(_ => 11), .. folded.Count > 0 ? [60] : Array.Empty<int>()];
            Table(ws, 1, last, headers.Count, widths);
            ws.SheetView.Freeze(1, 2);
            if (columns.Count > 0)
            {
                // Keywords read upwards: narrow columns, the whole name visible.
                ws.Range(1, 3, 1, columns.Count + 2).Style.Alignment.SetTextRotation(90).Alignment.SetVertical(XLAlignmentVerticalValues.Bottom);
                ws.Row(1).Height = Math.Min(409, (Math.Max(8, columns.Max(c => Math.Min(c.Length, 60))) * 6.5) + 10);
            }

            if (columns.Count > 0 && results.Count > 0)
            {
                var cells = ws.Range(2, 3, last, columns.Count + 2);
                cells.AddConditionalFormat().WhenEquals($"\"{missing}\"").Fill.SetBackgroundColor(XLColor.FromHtml("#" + VerdictStyle.Fill(Verdict.MissingSinks)));
                cells.AddConditionalFormat().WhenEquals($"\"{present}\"").Fill.SetBackgroundColor(XLColor.FromHtml("#" + VerdictStyle.Fill(Verdict.Healthy)));
                cells.AddConditionalFormat().WhenEquals($"\"{unexpected}\"").Fill.SetBackgroundColor(XLColor.FromHtml("#FFF2CC"));
            }

            // As many pages across as the keywords need, the host column on each.
            Print(ws, pagesWide: Math.Max(1, (int)Math.Ceiling(widths.Sum() / 230.0)));

            // The rows, written after saving (StreamedRows): host, verdict, then one cell per keyword.
            var rows = results.Select(result =>
            {
                var values = new object?[headers.Count];
                values[0] = result.HostKey;
                values[1] = new VerdictText(VerdictText(result.Verdict), result.Verdict);
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

                    if (folded.Count > 0)
                    {
                        values[^1] = string.Join(", ", advertised.Where(folded.Contains));
                    }
                }

                return values;
            });
            return new StreamedSheet(ws.Name, rows.ToAsyncEnumerable(), null);
        }

        /// <summary>
        /// Headers as a table needs them: cleaned like cell text, at most 255 characters (Excel's limit for a table column's
        /// name), and unique ignoring case (a keyword <c>HOST</c> beside the host column becomes <c>HOST (2)</c>).
        /// </summary>
        private List<string> UniqueHeaders(IReadOnlyList<string> names)
        {
            var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var unique = new List<string>(names.Count);
            foreach (var name in names)
            {
                var clean = CellText.Clean(name, Text(Label.ReportCut));
                clean = clean.Length == 0 ? "?" : clean.Length > 240 ? string.Concat(clean.AsSpan(0, 239), "…") : clean;
                var candidate = clean;
                for (var n = 2; !taken.Add(candidate); n++)
                {
                    candidate = string.Create(CultureInfo.InvariantCulture, $"{clean} ({n})");
                }

                unique.Add(candidate);
            }

            return unique;
        }

        /// <summary>The fields of the raw results sheet.</summary>
        private static readonly string[] RawFields =
        [
            "host", "name", "site", "owner", "profile", "verdict", "reason", "family", "familyEvidence", "version", "banner", "greeting", "missing",
            "unexpected", "detail", "tls", "address", "attempts", "connectMs", "bannerMs", "ehloMs", "tlsMs", "totalMs", "probedAt",
            "previousVerdict", "verdictSince", "findings", "transcript",
        ];

        private static readonly int[] RawWidths = [26, 20, 12, 16, 14, 26, 22, 24, 30, 12, 50, 40, 30, 20, 40, 30, 16, 9, 10, 10, 10, 10, 10, 18, 24, 18, 60, 80];

        /// <summary>
        /// The raw results sheet as ClosedXML writes it: the header and the table (extended to every row later). The rows are
        /// written after saving, streamed (<see cref="RawRows"/>, <see cref="StreamedRows"/>): held as ClosedXML cells they
        /// were the largest part of the report's memory. Evidence for the file, not for paper: only the columns that say
        /// which host and what verdict (host to reason) print, one line per host.
        /// </summary>
        public void RawResultsSheet(XLWorkbook workbook, int results)
        {
            var ws = workbook.Worksheets.Add(Text(Label.ReportRawResults));
            Header(ws, 1, RawFields);
            if (results == 0)
            {
                Put(ws.Cell(2, 1), Text(Label.ReportNone));
            }

            Table(ws, 1, 2, RawFields.Length, RawWidths);
            Print(ws, area: string.Create(CultureInfo.InvariantCulture, $"A1:G{Math.Max(2, results + 1)}"));
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
            int[] widths = [8, 60, 80];
            Header(ws, 1, [Text(Label.ReportLine), Text(Label.Reason), Text(Label.ReportRawText)]);
            var row = 2;
            foreach (var problem in problems)
            {
                ws.Cell(row, 1).SetValue(problem.LineNumber);
                Put(ws.Cell(row, 2), problem.Reason);
                Put(ws.Cell(row, 3), problem.RawText);
                Cells.FitRow(ws, row++, widths);
            }

            if (row == 2)
            {
                Put(ws.Cell(row++, 2), Text(Label.ReportNone));
            }

            Table(ws, 1, row - 1, 3, widths);
            var body = ws.Range(2, 1, row - 1, 3).Style;
            body.Alignment.WrapText = true;
            body.Alignment.Vertical = XLAlignmentVerticalValues.Top;
            Print(ws);
        }

        private void Header(IXLWorksheet ws, int row, IReadOnlyList<string> names) => Cells.Header(ws, row, names, Text(Label.ReportCut));

        /// <summary>Text that came from the network, an inventory or the knowledge base: a string cell, never a formula.</summary>
        private void Put(IXLCell cell, string? text) => Cells.Put(cell, text, Text(Label.ReportCut));

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

            if (widths is not null)
            {
                // A header that wraps gets the lines it needs.
                Cells.FitRow(ws, firstRow, widths);
            }
        }
    }
}
