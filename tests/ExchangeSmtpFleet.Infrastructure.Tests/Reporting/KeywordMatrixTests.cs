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

/// <summary>Issue 18.1 and 18.17: one odd server's keywords never cost the run its report.</summary>
public sealed class KeywordMatrixTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task<string> ReportWithKeywordsAsync(string[] odd)
    {
        var folder = Path.Combine(Path.GetTempPath(), "esf-report-tests", $"{Guid.NewGuid():N}");
        var sqlite = AuditStorage.Sqlite(Path.Combine(folder, "esfleet.db"), TimeProvider.System);
        await StoreRunAsync(sqlite, "scan-odd", Night, [Verdict.Healthy, Verdict.MissingSinks]);
        var store = new ReportStore(sqlite.History) { Keywords = (host, keywords) => host == Host(1).Key ? [.. keywords, .. odd] : keywords };
        var path = Path.Combine(folder, "report.xlsx");
        await ExcelReport.WriteAsync(store, "scan-odd", path, Language.English, Token);
        return path;
    }

    [Fact]
    public async Task AKeywordWithAControlCharacter_IsAHeaderShownEscaped()
    {
        var path = await ReportWithKeywordsAsync(["XBAD\u001b[31m"]);

        using var workbook = new XLWorkbook(path);
        var header = workbook.Worksheet("Keyword matrix").Row(1).CellsUsed().Select(c => c.GetString()).ToList();
        Assert.Contains("XBAD\\x1B[31m", header);
        using var document = SpreadsheetDocument.Open(path, false);
        Assert.Empty(new OpenXmlValidator(FileFormatVersions.Office2013).Validate(document, Token));
    }

    [Fact]
    public async Task AKeywordEqualToAnotherHeader_IsMadeUnique()
    {
        var path = await ReportWithKeywordsAsync(["HOST", "verdict"]);

        using var workbook = new XLWorkbook(path);
        var matrix = workbook.Worksheet("Keyword matrix");
        var header = matrix.Row(1).CellsUsed().Select(c => c.GetString()).ToList();
        Assert.Equal(["Host", "Verdict"], header.Take(2));
        Assert.Contains("HOST (2)", header);
        Assert.Contains("verdict (2)", header);
        Assert.Equal(header.Count, header.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Equal("unexpected", matrix.Row(2).Cell(header.IndexOf("HOST (2)") + 1).GetString());
    }

    [Fact]
    public async Task AKeywordLikeAFormula_IsAQuotePrefixedTextHeader()
    {
        var path = await ReportWithKeywordsAsync(["=HYPERLINK(\"http://evil.example\")", "+SUM(1)"]);

        using var workbook = new XLWorkbook(path);
        var cells = workbook.Worksheet("Keyword matrix").Row(1).CellsUsed().Where(c => c.GetString().StartsWith('=') || c.GetString().StartsWith('+')).ToList();
        Assert.Equal(2, cells.Count);
        Assert.All(cells, c =>
        {
            Assert.False(c.HasFormula);
            Assert.True(c.Style.IncludeQuotePrefix, c.GetString());
        });
    }

    [Fact]
    public async Task MoreKeywordsThanExcelHasColumns_TheRarestShareOneColumnThatSaysSo()
    {
        var many = Enumerable.Range(0, 16_500).Select(i => $"XK{i:D5}").ToArray();

        var path = await ReportWithKeywordsAsync(many);

        using var workbook = new XLWorkbook(path);
        var matrix = workbook.Worksheet("Keyword matrix");
        var header = matrix.Row(1).CellsUsed().Select(c => c.GetString()).ToList();
        Assert.True(header.Count <= ExcelReport.MaxKeywordColumns + 3, $"{header.Count} columns");
        var folded = header[^1];
        Assert.StartsWith("Other keywords (", folded, StringComparison.Ordinal);
        var count = int.Parse(folded["Other keywords (".Length..].Split(' ')[0].Replace(",", string.Empty, StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(16_500 + 16 - (header.Count - 3), count);
        var listed = matrix.Row(2).Cell(header.Count).GetString();
        Assert.StartsWith($"XK{header.Count - 3 - 16:D5}, ", listed, StringComparison.Ordinal);
        Assert.EndsWith("[cut: Excel's cell limit]", listed, StringComparison.Ordinal);
        Assert.Equal(string.Empty, matrix.Row(3).Cell(header.Count).GetString());
    }
}
