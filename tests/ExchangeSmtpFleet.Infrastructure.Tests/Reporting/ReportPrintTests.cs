using ClosedXML.Excel;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Knowledge;
using ExchangeSmtpFleet.Infrastructure.Persistence;
using ExchangeSmtpFleet.Infrastructure.Reporting;
using static ExchangeSmtpFleet.Infrastructure.Tests.Persistence.Outcomes;
using C = DocumentFormat.OpenXml.Drawing.Charts;
using D = DocumentFormat.OpenXml.Drawing;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Reporting;

/// <summary>Issue 19: every sheet prints, the group sheets read level, and a verdict has one colour wherever it appears.</summary>
public sealed class ReportPrintTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task<string> ThreeNightsReportAsync(Language language)
    {
        var folder = Path.Combine(Path.GetTempPath(), "esf-report-tests", $"{Guid.NewGuid():N}");
        var store = AuditStorage.Sqlite(Path.Combine(folder, "esfleet.db"), TimeProvider.System);
        await StoreRunAsync(store, "scan-1", Night, [Verdict.Healthy, Verdict.Healthy, Verdict.MissingSinks, Verdict.Unreachable]);
        await StoreRunAsync(store, "scan-2", Night.AddDays(1), [Verdict.MissingSinks, Verdict.Healthy, Verdict.MissingSinks, Verdict.Unreachable]);
        await StoreRunAsync(store, "scan-3", Night.AddDays(2), [Verdict.MissingSinks, Verdict.SuspectedMetabaseCorruption, Verdict.Healthy, Verdict.Unreachable]);
        var path = Path.Combine(folder, "report.xlsx");
        await ExcelReport.WriteAsync(store.History, "scan-3", path, language, Token);
        return path;
    }

    [Theory]
    [InlineData(Language.English, 1U)]
    [InlineData(Language.German, 9U)]
    public async Task EverySheet_PrintsLandscapeOnItsPaper_FittedToTheWidth_WithTitlesAndFooter(Language language, uint paper)
    {
        var path = await ThreeNightsReportAsync(language);

        using var document = SpreadsheetDocument.Open(path, false);
        var workbookPart = document.WorkbookPart!;
        var sheets = workbookPart.Workbook.Sheets!.Elements<Sheet>().ToList();
        var names = workbookPart.Workbook.DefinedNames!.Elements<DefinedName>().ToList();
        Assert.Equal(9, sheets.Count);
        for (var index = 0; index < sheets.Count; index++)
        {
            var name = sheets[index].Name!.Value!;
            var worksheet = ((WorksheetPart)workbookPart.GetPartById(sheets[index].Id!)).Worksheet;
            var setup = worksheet.GetFirstChild<PageSetup>();
            Assert.True(setup is not null, name);
            Assert.Equal(OrientationValues.Landscape, setup.Orientation!.Value);
            Assert.Equal(paper, setup.PaperSize!.Value);
            Assert.True(worksheet.SheetProperties?.PageSetupProperties?.FitToPage?.Value, $"{name}: fit to page");
            Assert.Equal(0U, setup.FitToHeight?.Value ?? 1U);
            var wide = setup.FitToWidth?.Value ?? 1U;
            Assert.True(wide >= 1, name);

            var footer = worksheet.GetFirstChild<HeaderFooter>()?.OddFooter?.Text ?? string.Empty;
            Assert.Contains("scan-3", footer, StringComparison.Ordinal);
            Assert.Contains("&A", footer, StringComparison.Ordinal);
            Assert.Contains(language == Language.German ? "Seite &P von &N" : "Page &P of &N", footer, StringComparison.Ordinal);

            var titles = names.SingleOrDefault(n => n.Name == "_xlnm.Print_Titles" && n.LocalSheetId?.Value == (uint)index)?.Text ?? string.Empty;
            if (index == 0)
            {
                // Page 1 has no header row; it prints its columns A to G (the trend chart's figures lie beside them).
                Assert.Equal(string.Empty, titles);
                Assert.Contains("$A$1:$G$", names.Single(n => n.Name == "_xlnm.Print_Area" && n.LocalSheetId?.Value == 0U).Text, StringComparison.Ordinal);
                Assert.Equal(1U, wide);
            }
            else
            {
                // Absolute: LibreOffice ignores "1:1".
                Assert.Contains("!$1:$1", titles, StringComparison.Ordinal);
                if (wide > 1)
                {
                    // A sheet printed across several pages repeats its host column on each.
                    Assert.Contains("!$A:$A", titles, StringComparison.Ordinal);
                }
            }
        }

        // The keyword matrix is the sheet too wide for one page; the others are fitted to the width.
        var wideSheets = sheets.Where(s => (((WorksheetPart)workbookPart.GetPartById(s.Id!)).Worksheet.GetFirstChild<PageSetup>()!.FitToWidth?.Value ?? 1U) > 1)
            .Select(s => s.Name!.Value).ToList();
        Assert.Equal([language == Language.German ? "Verbenmatrix" : "Keyword matrix"], wideSheets);
    }

    [Fact]
    public async Task GroupSheets_EveryCellIsTopAligned_AndWrappedRowsAreTallEnough()
    {
        var path = await ThreeNightsReportAsync(Language.English);

        using var workbook = new XLWorkbook(path);
        foreach (var name in new[] { "Healthy", "Missing sinks", "Metabase", "Other verdicts" })
        {
            var sheet = workbook.Worksheet(name);
            var cells = sheet.RowsUsed().Skip(1).SelectMany(r => r.CellsUsed()).ToList();
            Assert.NotEmpty(cells);
            Assert.All(cells, c => Assert.True(c.Style.Alignment.Vertical == XLAlignmentVerticalValues.Top, $"{name}!{c.Address}"));
            Assert.All(sheet.Row(1).CellsUsed(), c => Assert.Equal(XLAlignmentVerticalValues.Top, c.Style.Alignment.Vertical));
            foreach (var row in sheet.RowsUsed().Skip(1))
            {
                var lines = row.CellsUsed().Max(c => c.GetString().Split('\n').Length);
                Assert.True(row.Height >= 15 * lines, $"{name} row {row.RowNumber()}: {row.Height} pt for {lines} lines");
            }
        }
    }

    [Fact]
    public async Task Charts_ColourEachVerdictAsEverywhere()
    {
        var path = await ThreeNightsReportAsync(Language.English);

        using var document = SpreadsheetDocument.Open(path, false);
        var workbookPart = document.WorkbookPart!;
        var summary = workbookPart.Workbook.Sheets!.Elements<Sheet>().First();
        var charts = ((WorksheetPart)workbookPart.GetPartById(summary.Id!)).DrawingsPart!.ChartParts.Select(c => c.ChartSpace).ToList();
        var verdicts = Enum.GetValues<Verdict>();

        var bar = charts.Single(c => c.Descendants<C.BarChart>().Any());
        var points = bar.Descendants<C.DataPoint>().ToList();
        Assert.Equal(verdicts.Length, points.Count);
        Assert.Equal(verdicts.Select(VerdictStyle.Color), points.Select(p => p.Descendants<D.RgbColorModelHex>().First().Val!.Value));
        Assert.Equal("2E7D32", VerdictStyle.Color(Verdict.Healthy));
        Assert.NotEqual(VerdictStyle.Color(Verdict.Healthy), VerdictStyle.Color(Verdict.MissingSinks));

        var lines = charts.Single(c => c.Descendants<C.LineChart>().Any()).Descendants<C.LineChartSeries>().ToList();
        Assert.Equal(verdicts.Select(VerdictStyle.Color), lines.Select(s => s.GetFirstChild<C.ChartShapeProperties>()!.Descendants<D.RgbColorModelHex>().First().Val!.Value));

        // The cells of the counts table wear the same colours, lighter.
        using var workbook = new XLWorkbook(path);
        var sheet = workbook.Worksheet("Summary");
        foreach (var verdict in verdicts)
        {
            var cell = sheet.Column(2).CellsUsed(c => c.GetString() == KnowledgeBase.BuiltIn.VerdictTitle(verdict, Language.English)).Single();
            Assert.Equal(VerdictStyle.Fill(verdict), cell.Style.Fill.BackgroundColor.Color.ToArgb().ToString("X8", System.Globalization.CultureInfo.InvariantCulture)[2..]);
        }
    }
}
