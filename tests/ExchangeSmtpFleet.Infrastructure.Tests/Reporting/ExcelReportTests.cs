using ClosedXML.Excel;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Knowledge;
using ExchangeSmtpFleet.Infrastructure.Persistence;
using ExchangeSmtpFleet.Infrastructure.Reporting;
using static ExchangeSmtpFleet.Infrastructure.Tests.Persistence.Outcomes;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Reporting;

/// <summary>The workbook of a stored run: sheets, the hosts of each group, days in the verdict, both languages, hostile text.</summary>
public sealed class ExcelReportTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string NewFolder() => Path.Combine(Path.GetTempPath(), "esf-report-tests", $"{Guid.NewGuid():N}");

    /// <summary>Three nights: host 1 loses its sinks on the second night, host 3 recovers on the third, host 4 never answers.</summary>
    private static async Task<(AuditStorage Store, string Folder)> ThreeNightsAsync(Func<Core.Inventory.InventoryHost, Core.Inventory.InventoryHost>? rename = null)
    {
        var folder = NewFolder();
        var store = AuditStorage.Sqlite(Path.Combine(folder, "esfleet.db"), TimeProvider.System);
        await StoreRunAsync(store, "scan-1", Night, [Verdict.Healthy, Verdict.Healthy, Verdict.MissingSinks, Verdict.Unreachable], rename: rename);
        await StoreRunAsync(store, "scan-2", Night.AddDays(1), [Verdict.MissingSinks, Verdict.Healthy, Verdict.MissingSinks, Verdict.Unreachable], rename: rename);
        await StoreRunAsync(store, "scan-3", Night.AddDays(2), [Verdict.MissingSinks, Verdict.SuspectedMetabaseCorruption, Verdict.Healthy, Verdict.Unreachable], rename: rename);
        return (store, folder);
    }

    private static List<string> Column(IXLWorksheet sheet, int column) =>
        [.. sheet.RowsUsed().Skip(1).Select(r => r.Cell(column).GetString())];

    /// <summary>The cell of a sheet's row under the header named <paramref name="header"/>.</summary>
    private static IXLCell At(IXLRow row, string header) =>
        row.Cell(row.Worksheet.Row(1).CellsUsed().Single(c => c.GetString() == header).Address.ColumnNumber);

    [Fact]
    public async Task Report_English_HasEverySheetAndTheGroupsListExactlyTheirHosts()
    {
        var (store, folder) = await ThreeNightsAsync();
        var path = Path.Combine(folder, "report.xlsx");

        var run = await ExcelReport.WriteAsync(store.History, "latest", path, Language.English, Token);

        Assert.Equal("scan-3", run.RunId);
        using var workbook = new XLWorkbook(path);
        Assert.Equal(["Summary", "Healthy", "Missing sinks", "Metabase", "Other verdicts", "Keyword matrix", "Raw results", "Inventory problems", "Remediation"], workbook.Worksheets.Select(w => w.Name));
        Assert.Equal([Host(3).Key], Column(workbook.Worksheet("Healthy"), 1));
        Assert.Equal([Host(1).Key], Column(workbook.Worksheet("Missing sinks"), 1));
        Assert.Equal([Host(2).Key], Column(workbook.Worksheet("Metabase"), 1));
        Assert.Equal([Host(4).Key], Column(workbook.Worksheet("Other verdicts"), 1));
        Assert.All(workbook.Worksheets.Skip(1), w => Assert.NotEmpty(w.Tables));
    }

    [Fact]
    public async Task Report_DaysInVerdict_CountFromTheFirstRunOfTheStreak()
    {
        var (store, folder) = await ThreeNightsAsync();
        var path = Path.Combine(folder, "report.xlsx");

        await ExcelReport.WriteAsync(store.History, "scan-3", path, Language.English, Token);

        using var workbook = new XLWorkbook(path);
        var missing = workbook.Worksheet("Missing sinks").Row(2);
        Assert.Equal(Night.AddDays(1).UtcDateTime, At(missing, "In this verdict since").GetDateTime());
        Assert.Equal(1, At(missing, "Days").GetValue<int>());
        var unreachable = workbook.Worksheet("Other verdicts").Row(2);
        Assert.Equal(2, At(unreachable, "Days").GetValue<int>());
        var healthy = workbook.Worksheet("Healthy").Row(2);
        Assert.Equal(0, At(healthy, "Days").GetValue<int>());

        // The causes are wrapped, and their row is tall enough to show them.
        var causes = At(missing, "Probable causes");
        Assert.True(causes.Style.Alignment.WrapText);
        Assert.True(missing.Height >= 15 * causes.GetString().Split('\n').Length, $"row height {missing.Height}");

        // The remediation cell names the one procedure to run and links to it on the remediation sheet.
        var link = At(missing, "What to do");
        Assert.Equal("Load SMTP for Exchange properly", link.GetString());
        var target = link.Hyperlink.InternalAddress;
        Assert.StartsWith("'Remediation'!", target, StringComparison.Ordinal);
        Assert.Equal(link.GetString(), workbook.Worksheet("Remediation").Cell(target.Split('!')[1]).GetString());
    }

    [Fact]
    public async Task Report_Summary_CountsVerdictsAndChangesAgainstTheRunBefore()
    {
        var (store, folder) = await ThreeNightsAsync();
        var path = Path.Combine(folder, "report.xlsx");

        await ExcelReport.WriteAsync(store.History, "scan-3", path, Language.English, Token);

        using var workbook = new XLWorkbook(path);
        var summary = workbook.Worksheet("Summary");
        string Next(string label) => summary.CellsUsed(c => c.GetString() == label).First().CellRight().GetString();
        Assert.Equal("scan-3", Next("Run"));
        Assert.Equal("4", Next("Hosts audited"));
        Assert.Equal("1", Next("New problem"));
        Assert.Equal("1", Next("Recovered"));
        Assert.Equal("2", Next("Still failing"));
        Assert.Equal("Completed", Next("Status"));
        Assert.Equal("1", summary.Column(2).CellsUsed(c => c.GetString() == "Exchange event sinks not loaded").Single().CellRight().GetString());
        Assert.Contains(summary.CellsUsed(), c => c.GetString().Contains("scan-2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Report_KeywordMatrix_ShowsPresentAndMissingPerHostRequiredFirst()
    {
        var (store, folder) = await ThreeNightsAsync();
        var path = Path.Combine(folder, "report.xlsx");

        await ExcelReport.WriteAsync(store.History, "scan-3", path, Language.English, Token);

        using var workbook = new XLWorkbook(path);
        var matrix = workbook.Worksheet("Keyword matrix");
        var header = matrix.Row(1).CellsUsed().Select(c => c.GetString()).ToList();
        Assert.Equal(["Host", "Verdict", "X-EXPS", "X-EXPS=LOGIN", "X-LINK2STATE", "XEXCH50"], header.Take(6));
        string At(int host, string keyword) => matrix.Row(host + 1).Cell(header.IndexOf(keyword) + 1).GetString();
        Assert.Equal("missing", At(1, "XEXCH50"));
        Assert.Equal("present", At(1, "SIZE"));
        Assert.Equal("missing", At(2, "XEXCH50"));
        Assert.Equal("present", At(2, "X-LINK2STATE"));
        Assert.Equal("present", At(3, "XEXCH50"));
        Assert.Equal(string.Empty, At(4, "XEXCH50"));
        Assert.Equal(3, matrix.ConditionalFormats.Count());

        // Tables and formats cover every streamed row (ClosedXML made them over the header and one row).
        Assert.Equal(5, matrix.Tables.Single().RangeAddress.LastAddress.RowNumber);
        Assert.All(matrix.ConditionalFormats, f => Assert.Equal(5, f.Range.RangeAddress.LastAddress.RowNumber));
        Assert.Equal(5, workbook.Worksheet("Raw results").Tables.Single().RangeAddress.LastAddress.RowNumber);
        Assert.Equal(2, workbook.Worksheet("Healthy").Tables.Single().RangeAddress.LastAddress.RowNumber);
    }

    [Fact]
    public async Task Report_RawResultsAndInventoryProblems_KeepTheEvidence()
    {
        var (store, folder) = await ThreeNightsAsync();
        var path = Path.Combine(folder, "report.xlsx");

        await ExcelReport.WriteAsync(store.History, "scan-3", path, Language.English, Token);

        using var workbook = new XLWorkbook(path);
        var raw = workbook.Worksheet("Raw results");
        var header = raw.Row(1).CellsUsed().Select(c => c.GetString()).ToList();
        Assert.Equal([Host(1).Key, Host(2).Key, Host(3).Key, Host(4).Key], Column(raw, 1));
        Assert.Equal("C: EHLO auditor.corp.example", raw.Row(2).Cell(header.IndexOf("transcript") + 1).GetString().Split(' ', 2)[1]);
        Assert.Equal(12.25, raw.Row(2).Cell(header.IndexOf("totalMs") + 1).GetDouble());
        Assert.Equal("MissingSinks", raw.Row(2).Cell(header.IndexOf("previousVerdict") + 1).GetString());
        var problems = workbook.Worksheet("Inventory problems");
        Assert.Equal(99, problems.Row(2).Cell(1).GetValue<int>());
        Assert.Equal("port must be 1-65535", problems.Row(2).Cell(2).GetString());
        Assert.Equal("mail9,99999", problems.Row(2).Cell(3).GetString());
    }

    [Fact]
    public async Task Report_German_HasGermanSheetsVerdictsAndDates()
    {
        var (store, folder) = await ThreeNightsAsync();
        var path = Path.Combine(folder, "bericht.xlsx");

        await ExcelReport.WriteAsync(store.History, "scan-3", path, Language.German, Token);

        using var workbook = new XLWorkbook(path);
        Assert.Equal(["Übersicht", "In Ordnung", "Fehlende Senken", "Metabase", "Weitere Befunde", "Verbenmatrix", "Rohdaten", "Inventarprobleme", "Maßnahmen"], workbook.Worksheets.Select(w => w.Name));
        var missing = workbook.Worksheet("Fehlende Senken").Row(2);
        Assert.Equal("SMTP für Exchange ordnungsgemäß laden", At(missing, "Was zu tun ist").GetString());
        Assert.Equal("dd.MM.yyyy HH:mm", At(missing, "Mit diesem Befund seit").Style.DateFormat.Format);
        Assert.Equal("Exchange-Ereignissenken nicht geladen", At(workbook.Worksheet("Verbenmatrix").Row(2), "Befund").GetString());

        // Statuses and change kinds are German too.
        var summary = workbook.Worksheet("Übersicht");
        Assert.Contains(summary.CellsUsed(), c => c.GetString() == "Abgeschlossen");
        Assert.Contains(summary.CellsUsed(), c => c.GetString() == "Neues Problem");
        Assert.DoesNotContain(summary.CellsUsed(), c => c.GetString() is "Completed" or "NewProblem" or "StillFailing");
        Assert.Contains(workbook.Worksheet("Maßnahmen").CellsUsed(), c => c.GetString() == "Deinstallieren Sie IIS.");
    }

    [Fact]
    public async Task Report_HostileInventoryText_StaysInertText()
    {
        var (store, folder) = await ThreeNightsAsync(h => h with
        {
            Name = "=HYPERLINK(\"http://evil.example\",\"click\")",
            Owner = "@SUM(1+1)",
            Site = "Berlin\u0001\u001b[2J",
        });
        var path = Path.Combine(folder, "report.xlsx");

        await ExcelReport.WriteAsync(store.History, "scan-3", path, Language.English, Token);

        using var workbook = new XLWorkbook(path);
        var row = workbook.Worksheet("Missing sinks").Row(2);
        Assert.False(row.Cell(2).HasFormula);
        Assert.Equal("=HYPERLINK(\"http://evil.example\",\"click\")", row.Cell(2).GetString());
        Assert.True(row.Cell(2).Style.IncludeQuotePrefix);
        Assert.False(row.Cell(4).HasFormula);
        Assert.Equal("Berlin\\x01\\x1B[2J", row.Cell(3).GetString());

        // The raw results' rows are streamed by the Open XML SDK, not written by ClosedXML: the same rules, every row.
        var raw = workbook.Worksheet("Raw results");
        var header = raw.Row(1).CellsUsed().Select(c => c.GetString()).ToList();
        var rows = raw.RowsUsed().Skip(1).ToList();
        Assert.Equal(4, rows.Count);
        Assert.All(rows, r =>
        {
            var name = r.Cell(header.IndexOf("name") + 1);
            Assert.False(name.HasFormula);
            Assert.Equal("=HYPERLINK(\"http://evil.example\",\"click\")", name.GetString());
            Assert.True(name.Style.IncludeQuotePrefix);
            Assert.Equal("@SUM(1+1)", r.Cell(header.IndexOf("owner") + 1).GetString());
            Assert.Equal("Berlin\\x01\\x1B[2J", r.Cell(header.IndexOf("site") + 1).GetString());
            Assert.Equal(XLDataType.DateTime, r.Cell(header.IndexOf("probedAt") + 1).DataType);
            Assert.Equal(XLDataType.Number, r.Cell(header.IndexOf("totalMs") + 1).DataType);
        });
    }

    [Fact]
    public async Task Report_Charts_ArePresentAndReadTheSummaryTables()
    {
        var (store, folder) = await ThreeNightsAsync();
        var path = Path.Combine(folder, "report.xlsx");
        await ExcelReport.WriteAsync(store.History, "scan-3", path, Language.English, Token);

        using (var document = SpreadsheetDocument.Open(path, false))
        {
            var workbookPart = document.WorkbookPart!;
            var sheet = workbookPart.Workbook.Sheets!.Elements<DocumentFormat.OpenXml.Spreadsheet.Sheet>().Single(s => s.Name == "Summary");
            var part = (WorksheetPart)workbookPart.GetPartById(sheet.Id!);
            var charts = part.DrawingsPart!.ChartParts.Select(c => c.ChartSpace).ToList();
            Assert.Equal(2, charts.Count);
            var children = part.Worksheet.ChildElements.Select(e => e.LocalName).ToList();
            Assert.True(children.IndexOf("drawing") < children.IndexOf("tableParts"), "<drawing> must come before <tableParts>");

            var bar = charts.Single(c => c.Descendants<DocumentFormat.OpenXml.Drawing.Charts.BarChart>().Any());
            var formulas = bar.Descendants<DocumentFormat.OpenXml.Drawing.Charts.Formula>().Select(f => f.Text).ToList();
            using var opened = new XLWorkbook(path);
            var summary = opened.Worksheet("Summary");
            var categories = summary.Range(formulas[1].Split('!')[1].Replace("$", string.Empty, StringComparison.Ordinal));
            var values = summary.Range(formulas[2].Split('!')[1].Replace("$", string.Empty, StringComparison.Ordinal));
            Assert.Equal(Enum.GetValues<Verdict>().Length, categories.Cells().Count());
            Assert.Equal("Healthy", categories.FirstCell().GetString());
            Assert.Equal(4, values.Cells().Sum(c => c.GetValue<int>()));

            var line = charts.Single(c => c.Descendants<DocumentFormat.OpenXml.Drawing.Charts.LineChart>().Any());
            Assert.Equal(Enum.GetValues<Verdict>().Length, line.Descendants<DocumentFormat.OpenXml.Drawing.Charts.LineChartSeries>().Count());
            var dates = summary.Range(line.Descendants<DocumentFormat.OpenXml.Drawing.Charts.CategoryAxisData>().First()
                .Descendants<DocumentFormat.OpenXml.Drawing.Charts.Formula>().Single().Text.Split('!')[1].Replace("$", string.Empty, StringComparison.Ordinal));
            Assert.Equal(["2026-11-30", "2026-12-01", "2026-12-02"], dates.Cells().Select(c => c.GetString()));
        }
    }

    [Fact]
    public async Task Report_AHundredThousandCharacterTranscript_IsInertTextCutAtTheCellLimit()
    {
        var folder = NewFolder();
        var store = AuditStorage.Sqlite(Path.Combine(folder, "esfleet.db"), TimeProvider.System);
        var inventory = Fleet(1);
        var run = Run("scan-long", Night, 1);
        var outcome = Outcome(inventory.Hosts[0], Verdict.MissingSinks, Night);
        var endless = "=HYPERLINK(\"http://evil.example\") " + new string('A', 100_000) + "\u0007";
        outcome = outcome with { Probe = outcome.Probe with { Transcript = [new Core.Probing.TranscriptLine(Core.Probing.TranscriptDirection.Server, endless, TimeSpan.Zero)] } };
        await using (var sink = await BeginAsync(store, run, inventory))
        {
            await sink.WriteAsync([outcome], Token);
        }

        await store.Writer.FinishRunAsync(run.RunId, Core.Auditing.AuditRunStatus.Completed, Night.AddMinutes(1), Token);
        var path = Path.Combine(folder, "report.xlsx");

        await ExcelReport.WriteAsync(store.History, "scan-long", path, Language.English, Token);

        using var workbook = new XLWorkbook(path);
        var raw = workbook.Worksheet("Raw results");
        var header = raw.Row(1).CellsUsed().Select(c => c.GetString()).ToList();
        var cell = raw.Row(2).Cell(header.IndexOf("transcript") + 1);
        Assert.False(cell.HasFormula);
        Assert.Equal(CellText.MaxLength, cell.GetString().Length);
        Assert.EndsWith(" [cut: Excel's cell limit]", cell.GetString(), StringComparison.Ordinal);
        Assert.Contains("=HYPERLINK(\"http://evil.example\") AAAA", cell.GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_AGroupWithoutHosts_SaysNone_AndTheOthersListTheirs()
    {
        var folder = NewFolder();
        var store = AuditStorage.Sqlite(Path.Combine(folder, "esfleet.db"), TimeProvider.System);
        await StoreRunAsync(store, "scan-fine", Night, [Verdict.Healthy, Verdict.Healthy]);
        var path = Path.Combine(folder, "report.xlsx");

        await ExcelReport.WriteAsync(store.History, "scan-fine", path, Language.English, Token);

        using var workbook = new XLWorkbook(path);
        Assert.Equal(["(none)"], Column(workbook.Worksheet("Missing sinks"), 1));
        Assert.Equal([Host(1).Key, Host(2).Key], Column(workbook.Worksheet("Healthy"), 1));
        using var document = SpreadsheetDocument.Open(path, false);
        Assert.Empty(new OpenXmlValidator(FileFormatVersions.Office2013).Validate(document, Token));
    }

    [Fact]
    public async Task Report_PassesTheOpenXmlValidator()
    {
        var (store, folder) = await ThreeNightsAsync();
        var path = Path.Combine(folder, "report.xlsx");
        await ExcelReport.WriteAsync(store.History, "scan-3", path, Language.German, Token);

        using var document = SpreadsheetDocument.Open(path, false);
        var errors = new OpenXmlValidator(FileFormatVersions.Office2013).Validate(document, Token).Select(e => $"{e.Path?.XPath}: {e.Description}").ToList();

        Assert.Empty(errors);
    }

    [Fact]
    public async Task Report_UnknownRun_SaysSo()
    {
        var (store, folder) = await ThreeNightsAsync();

        await Assert.ThrowsAsync<KeyNotFoundException>(() => ExcelReport.WriteAsync(store.History, "scan-9", Path.Combine(folder, "x.xlsx"), Language.English, Token));
    }

    [Theory]
    [InlineData(100_000)]
    [InlineData(32_768)]
    public void CellText_LongerThanTheCellLimit_IsCutWithAMark(int length)
    {
        var text = CellText.Clean(new string('A', length), "[cut]");

        Assert.Equal(CellText.MaxLength, text.Length);
        Assert.EndsWith(" [cut]", text, StringComparison.Ordinal);
    }

    [Fact]
    public void CellText_XmlForbiddenCharacters_AreShownEscaped()
    {
        Assert.Equal("a\\x00b\\x0Bc\\uFFFE", CellText.Clean("a\u0000b\u000Bc\uFFFE", "[cut]"));
        Assert.Equal("tab\tand line\nstay", CellText.Clean("tab\tand line\nstay", "[cut]"));
    }
}
