namespace ExchangeSmtpFleet.Tests.Cli;

/// <summary>Issue 20, item 5: <c>report</c> without <c>--out</c> names the workbook by run and language.</summary>
public sealed class ReportFileNameTests
{
    [Fact]
    public async Task Report_InGermanAfterEnglish_WritesASecondWorkbook_TheEnglishOneStays()
    {
        var data = Path.Combine(CliRunner.DataDirectory, $"report-names-{Guid.NewGuid():N}");
        var settings = CliRunner.SettingsFile(new Dictionary<string, object> { ["DATA_DIR"] = data });

        // One host that refuses at once (nothing listens there): a stored run without a simulated fleet.
        var inventory = CliRunner.TempFile("Host,Port\n127.61.0.1,2525\n");
        var scan = await CliRunner.RunWithSettingsAsync(settings, "scan", "--inventory", inventory, "--retries", "0", "--no-tls");
        Assert.True(scan.ExitCode == 1, scan.Error);

        var english = await CliRunner.RunWithSettingsAsync(settings, "report");
        var german = await CliRunner.RunWithSettingsAsync(settings, "report", "--lang", "de");

        Assert.True(english.ExitCode == 0, english.Error);
        Assert.True(german.ExitCode == 0, german.Error);
        var englishPath = english.Output.Trim();
        var germanPath = german.Output.Trim();
        Assert.Matches(@"[/\\]reports[/\\]scan-[^/\\]+\.en\.xlsx$", englishPath);
        Assert.Equal(englishPath[..^".en.xlsx".Length] + ".de.xlsx", germanPath);
        using (var workbook = new ClosedXML.Excel.XLWorkbook(englishPath))
        {
            Assert.True(workbook.TryGetWorksheet("Summary", out _), string.Join(", ", workbook.Worksheets.Select(w => w.Name)));
        }

        using (var workbook = new ClosedXML.Excel.XLWorkbook(germanPath))
        {
            Assert.True(workbook.TryGetWorksheet("Übersicht", out _), string.Join(", ", workbook.Worksheets.Select(w => w.Name)));
        }
    }
}
