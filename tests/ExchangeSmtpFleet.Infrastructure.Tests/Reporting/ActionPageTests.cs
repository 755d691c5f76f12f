using System.Globalization;
using ClosedXML.Excel;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Knowledge;
using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Infrastructure.Persistence;
using ExchangeSmtpFleet.Infrastructure.Reporting;
using static ExchangeSmtpFleet.Infrastructure.Tests.Persistence.Outcomes;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Reporting;

/// <summary>Issue 19: page 1 says in one sentence how many Exchange servers need action and lists them with their procedure.</summary>
public sealed class ActionPageTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>Three nights; on the third host 1 has had missing sinks since the second, host 2 is new with a metabase suspicion, host 3 recovered, host 4 never answers.</summary>
    private static async Task<AuditStorage> ThreeNightsAsync()
    {
        var store = AuditStorage.Sqlite(Path.Combine(Path.GetTempPath(), "esf-report-tests", $"{Guid.NewGuid():N}", "esfleet.db"), TimeProvider.System);
        await StoreRunAsync(store, "scan-1", Night, [Verdict.Healthy, Verdict.Healthy, Verdict.MissingSinks, Verdict.Unreachable]);
        await StoreRunAsync(store, "scan-2", Night.AddDays(1), [Verdict.MissingSinks, Verdict.Healthy, Verdict.MissingSinks, Verdict.Unreachable]);
        await StoreRunAsync(store, "scan-3", Night.AddDays(2), [Verdict.MissingSinks, Verdict.SuspectedMetabaseCorruption, Verdict.Healthy, Verdict.Unreachable]);
        return store;
    }

    private static async Task<XLWorkbook> ReportAsync(IAuditHistory store, string runId, Language language)
    {
        var path = Path.Combine(Path.GetTempPath(), "esf-report-tests", $"{Guid.NewGuid():N}", "report.xlsx");
        await ExcelReport.WriteAsync(store, runId, path, language, Token);
        return new XLWorkbook(path);
    }

    private static List<string> ActionHosts(IXLWorksheet page) =>
        [.. Enumerable.Range(7, 40).TakeWhile(r => page.Cell(r, 5).GetString().Length > 0).Select(r => page.Cell(r, 2).GetString())];

    [Theory]
    [InlineData(Language.English, "2 Exchange servers need action: 1 with the Exchange event sinks not loaded, 1 with suspected metabase corruption; 1 new since yesterday",
        "new", "Load SMTP for Exchange properly", "Could not be checked: 1 (Unreachable 1)", "Healthy: 1")]
    [InlineData(Language.German, "2 Exchange-Server erfordern Maßnahmen: 1 mit nicht geladenen Exchange-Ereignissenken, 1 mit vermutlich beschädigter IIS-Metabase; 1 neu seit gestern",
        "neu", "SMTP für Exchange ordnungsgemäß laden", "Nicht prüfbar: 1 (Nicht erreichbar 1)", "In Ordnung: 1")]
    public async Task Page1_SaysHowManyNeedAction_AndListsThemWithTheirProcedure_NewFirst(
        Language language, string headline, string newMark, string procedure, string notChecked, string healthy)
    {
        using var workbook = await ReportAsync((await ThreeNightsAsync()).History, "scan-3", language);

        var page = workbook.Worksheets.First();
        Assert.Equal(1, page.Position);
        Assert.Equal(headline, page.Cell(4, 1).GetString());

        // Host 2 is new to its verdict, so it comes first and is marked; host 1 has had it since the night before.
        Assert.Equal([Host(2).Key, Host(1).Key], ActionHosts(page));
        Assert.Equal(newMark, page.Cell(7, 1).GetString());
        Assert.Equal(string.Empty, page.Cell(8, 1).GetString());
        Assert.Equal(KnowledgeBase.BuiltIn.VerdictTitle(Verdict.SuspectedMetabaseCorruption, language), page.Cell(7, 5).GetString());
        foreach (var row in new[] { 7, 8 })
        {
            var link = page.Cell(row, 6);
            Assert.Equal(procedure, link.GetString());
            var target = link.Hyperlink.InternalAddress;
            Assert.Equal(procedure, workbook.Worksheet(target.Split('!')[0].Trim('\'')).Cell(target.Split('!')[1]).GetString());
        }

        Assert.Equal("X-EXPS, X-EXPS=LOGIN, X-LINK2STATE, XEXCH50", page.Cell(8, 7).GetString());
        var quiet = page.Column(1).CellsUsed().Select(c => c.GetString()).Single(t => t.Contains(notChecked, StringComparison.Ordinal));
        Assert.Contains(healthy, quiet, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Language.English, "No Exchange server needs action.", "Healthy: 2")]
    [InlineData(Language.German, "Kein Exchange-Server erfordert eine Maßnahme.", "In Ordnung: 2")]
    public async Task Page1_WithNobodyToAct_SaysSo_AndListsNoHost(Language language, string headline, string healthy)
    {
        var store = AuditStorage.Sqlite(Path.Combine(Path.GetTempPath(), "esf-report-tests", $"{Guid.NewGuid():N}", "esfleet.db"), TimeProvider.System);
        await StoreRunAsync(store, "scan-fine", Night, [Verdict.Healthy, Verdict.Healthy]);

        using var workbook = await ReportAsync(store.History, "scan-fine", language);

        var page = workbook.Worksheets.First();
        Assert.Equal(headline, page.Cell(4, 1).GetString());
        Assert.Equal(healthy, page.Cell(6, 1).GetString());
        Assert.DoesNotContain(page.CellsUsed(), c => c.GetString() is "Host" && c.Address.ColumnNumber == 2 && c.Address.RowNumber < 10);
    }

    [Fact]
    public async Task Page1_ManyHostsToAct_NamesTheFirst25_AndSaysWhereTheRestAre()
    {
        var store = AuditStorage.Sqlite(Path.Combine(Path.GetTempPath(), "esf-report-tests", $"{Guid.NewGuid():N}", "esfleet.db"), TimeProvider.System);
        await StoreRunAsync(store, "scan-many", Night, [.. Enumerable.Repeat(Verdict.MissingSinks, 30), Verdict.Healthy]);

        using var workbook = await ReportAsync(store.History, "scan-many", Language.English);

        var page = workbook.Worksheets.First();
        Assert.Equal("30 Exchange servers need action: 30 with the Exchange event sinks not loaded", page.Cell(4, 1).GetString());
        Assert.Equal(SummarySheet.ActionRows, ActionHosts(page).Count);
        Assert.Equal("and 5 more: see the sheets Missing sinks", page.Cell(7 + SummarySheet.ActionRows, 2).GetString());
    }

    [Fact]
    public async Task GroupSheets_MarkHostsNewToTheirVerdict_AndShowTheInventoryComment()
    {
        var store = new ReportStore((await ThreeNightsAsync()).History)
        {
            Results = r => r.HostKey == Host(1).Key ? r with { Comment = "XEXCH50 disabled on purpose" } : r,
        };

        using var workbook = await ReportAsync(store, "scan-3", Language.English);

        static IXLCell At(IXLWorksheet sheet, int row, string header) =>
            sheet.Cell(row, sheet.Row(1).CellsUsed().Single(c => c.GetString() == header).Address.ColumnNumber);
        Assert.Equal("new", At(workbook.Worksheet("Metabase"), 2, "New").GetString());
        Assert.Equal("new", At(workbook.Worksheet("Healthy"), 2, "New").GetString());
        Assert.Equal(string.Empty, At(workbook.Worksheet("Missing sinks"), 2, "New").GetString());
        Assert.Equal("XEXCH50 disabled on purpose", At(workbook.Worksheet("Missing sinks"), 2, "Comment").GetString());
        Assert.DoesNotContain(workbook.Worksheet("Healthy").Row(1).CellsUsed(), c => c.GetString() == "Comment");

        // The verdict column only where the sheet mixes verdicts.
        Assert.DoesNotContain(workbook.Worksheet("Missing sinks").Row(1).CellsUsed(), c => c.GetString() == "Verdict");
        Assert.Equal("Unreachable", At(workbook.Worksheet("Other verdicts"), 2, "Verdict").GetString());
    }

    [Fact]
    public async Task Page1_OffersLiveRunsOnlyCausesOfLiveRuns()
    {
        var store = new ReportStore((await ThreeNightsAsync()).History)
        {
            Results = r => r.HostKey == Host(4).Key ? r with { Verdict = Verdict.ProtocolError, Reason = Reason.LineTooLong } : r,
        };

        using var workbook = await ReportAsync(store, "scan-3", Language.English);

        var texts = workbook.Worksheets.SelectMany(w => w.CellsUsed()).Select(c => c.GetString()).ToList();
        Assert.Contains(texts, t => t.Contains("A broken or hostile server sends overlong lines", StringComparison.Ordinal));
        Assert.DoesNotContain(texts, t => t.Contains("pasted transcript", StringComparison.Ordinal));

        // classify still offers it for an incomplete paste.
        Assert.Contains(KnowledgeBase.BuiltIn.For(Verdict.ProtocolError, Reason.IncompleteTranscript, Language.English).Causes, c => c.Contains("pasted transcript", StringComparison.Ordinal));
    }

    [Fact]
    public void TrendLabels_TwoRunsInOneMinute_NeverRepeatALabel()
    {
        var sheet = new SummarySheet(KnowledgeBase.BuiltIn, ReportFormats.For(Language.German), "[cut]", 30);
        StoredRun Run(string id, DateTimeOffset at) => new(id, "scan", at, null, AuditRunStatus.Completed, "inv.csv", 1, "1.0", []);

        var labels = sheet.TrendLabels([
            Run("a", Night), Run("b", Night.AddDays(1)), Run("c", Night.AddDays(1).AddSeconds(20)), Run("d", Night.AddDays(1).AddSeconds(40)), Run("e", Night.AddDays(2))]);

        Assert.Equal(["30.11.2026", "01.12.2026 02:00", "01.12.2026 02:00 (2)", "01.12.2026 02:00 (3)", "02.12.2026"], labels);
        Assert.Equal(labels.Count, labels.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal("1.234", ReportFormats.For(Language.German).Number(1234));
        Assert.Equal("1,234", ReportFormats.For(Language.English).Number(1234));
        Assert.Equal(CultureInfo.GetCultureInfo("de-DE"), ReportFormats.For(Language.German).Culture);
    }
}
