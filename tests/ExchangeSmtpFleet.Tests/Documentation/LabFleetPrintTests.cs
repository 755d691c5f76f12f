using System.Diagnostics;
using System.Text.RegularExpressions;
using ExchangeSmtpFleet.Tests.Cli;

namespace ExchangeSmtpFleet.Tests.Documentation;

/// <summary>
/// Issue 19, as the admin who prints the report for the change meeting: LibreOffice (Debian's <c>libreoffice-calc</c>,
/// installed by <c>.ci/run</c>) turns the lab fleet's workbook into a PDF, and <c>pdftotext</c> (poppler-utils) reads it
/// back page by page.
/// </summary>
[Collection(nameof(LabFleet))]
public sealed partial class LabFleetPrintTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>The lab's hosts that need action: three with missing sinks, two with a metabase suspicion.</summary>
    private static readonly string[] ActionHosts = ["127.10.0.3:2525", "127.10.0.4:2525", "127.10.0.29:2525", "127.10.0.5:2525", "127.10.0.6:2525"];

    /// <summary>About a minute (two LibreOffice conversions): <c>--filter Category!=Slow</c> leaves it out locally; CI runs it.</summary>
    [Fact]
    [Trait("Category", "Slow")]
    public async Task LabFleetWorkbook_PrintsToAFewWholePages_Page1SaysWhatToDo_InBothLanguages()
    {
        var folder = Path.Combine(CliRunner.DataDirectory, $"print-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var db = Path.Combine(folder, "esfleet.db");
        var audit = await CliRunner.RunAsync(
            "audit", "--inventory", CliRunner.Sample("inventory-lab.csv"), "--simulate", CliRunner.Sample("lab-fleet.json"), "--db", db, "--out", folder);
        Assert.True(audit.ExitCode == 1, audit.Error);
        var english = Assert.Single(Directory.GetFiles(folder, "*.xlsx"));
        var german = Path.Combine(folder, "bericht.xlsx");
        var report = await CliRunner.RunAsync("report", "--db", db, "--lang", "de", "--out", german);
        Assert.True(report.ExitCode == 0, report.Error);

        foreach (var (workbook, headline, groups, host, days) in new[]
        {
            (english, "5 Exchange servers need action: 3 with the Exchange event sinks not loaded, 2 with suspected metabase corruption",
                new[] { "Healthy", "Missing sinks", "Metabase", "Other verdicts" }, "Host", "Days"),
            (german, "5 Exchange-Server erfordern Maßnahmen: 3 mit nicht geladenen Exchange-Ereignissenken, 2 mit vermutlich beschädigter IIS-Metabase",
                new[] { "In Ordnung", "Fehlende Senken", "Metabase", "Weitere Befunde" }, "Host", "Tage"),
        })
        {
            var pages = await PdfPagesAsync(workbook, folder);
            TestContext.Current.TestOutputHelper?.WriteLine($"{Path.GetFileName(workbook)}: {pages.Count} PDF pages");

            // Fifteen pages at most (61 in English, 66 in German before issue 19).
            Assert.InRange(pages.Count, 1, 15);

            // Page 1: the headline, and every host that needs action with its procedure.
            var first = Flat(pages[0]);
            Assert.Contains(headline, first, StringComparison.Ordinal);
            Assert.All(ActionHosts, h => Assert.Contains(h, first, StringComparison.Ordinal));
            Assert.Contains(workbook == english ? "Load SMTP for Exchange properly" : "SMTP für Exchange ordnungsgemäß laden", first, StringComparison.Ordinal);

            // Every page of a group sheet shows the host column and the last column: each host row whole on one page width.
            foreach (var group in groups)
            {
                var ofGroup = pages.Where(p => Footer(p).Contains($" {group} ", StringComparison.Ordinal)).ToList();
                Assert.NotEmpty(ofGroup);
                Assert.All(ofGroup, p =>
                {
                    Assert.Matches($@"\b{host}\b", p);
                    Assert.Matches($@"\b{days}\b", p);
                    Assert.Matches(@"127\.10\.0\.\d+:2525", p);
                });
            }

            // Every page has the footer: run, sheet, page N of M.
            Assert.All(pages, p => Assert.Matches(workbook == english ? @"Page \d+ of \d+" : @"Seite \d+ von \d+", Footer(p)));
        }
    }

    private static string Flat(string text) => Spaces().Replace(text, " ");

    private static string Footer(string page) => " " + Flat(page.TrimEnd().Split('\n')[^1]) + " ";

    /// <summary>The PDF LibreOffice makes of a workbook, as text, one entry per page.</summary>
    private static async Task<List<string>> PdfPagesAsync(string workbook, string folder)
    {
        // A profile of its own: another soffice on the machine (another test run) would otherwise take the conversion over.
        var profile = new Uri(Path.Combine(folder, $"lo-profile-{Guid.NewGuid():N}")).AbsoluteUri;
        await RunAsync("soffice", $"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir", folder, workbook);
        var pdf = Path.ChangeExtension(workbook, ".pdf");
        Assert.True(File.Exists(pdf), $"soffice made no {pdf}");
        var text = await RunAsync("pdftotext", "-layout", pdf, "-");
        return [.. text.Split('\f').Where(p => p.Trim().Length > 0)];
    }

    private static async Task<string> RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{program} is not installed: apt-get install libreoffice-calc poppler-utils (bash .ci/run does it as root)", e);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync(Token);
            var error = process.StandardError.ReadToEndAsync(Token);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Token);
            timeout.CancelAfter(TimeSpan.FromMinutes(5));
            await process.WaitForExitAsync(timeout.Token);
            Assert.True(process.ExitCode == 0, $"{program}: {await error}");
            return await output;
        }
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
