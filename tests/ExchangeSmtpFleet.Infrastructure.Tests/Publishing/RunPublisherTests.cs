using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Knowledge;
using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Infrastructure.Files;
using ExchangeSmtpFleet.Infrastructure.Mail;
using ExchangeSmtpFleet.Infrastructure.Persistence;
using ExchangeSmtpFleet.Infrastructure.Publishing;
using ExchangeSmtpFleet.Infrastructure.Tests.Reporting;
using static ExchangeSmtpFleet.Infrastructure.Tests.Persistence.Outcomes;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Publishing;

/// <summary>
/// Issue 20, item 5: a workbook is named by run and language; the dashboard's download finds the one there is. Issue 18,
/// items 2 and 11: the workbook at a run's path is whole or absent, whatever happens while it is written, the path is never
/// something the move would destroy, and only a whole workbook is found or mailed.
/// </summary>
public sealed class RunPublisherTests
{
    private const string RunId = "audit-20261206T020000Z-j1";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"esf-publisher-{Guid.NewGuid():N}");

    private RunPublisher Publisher(Language language) => new(null!, null, _folder, language);

    private string Write(string name)
    {
        Directory.CreateDirectory(_folder);
        var path = Path.Combine(_folder, name);
        WriteZip(path);
        return path;
    }

    [Fact]
    public void DefaultPath_NamesRunAndLanguage()
    {
        Assert.Equal(Path.Combine(_folder, $"{RunId}.en.xlsx"), Publisher(Language.English).DefaultPath(RunId));
        Assert.Equal(Path.Combine(_folder, $"{RunId}.de.xlsx"), Publisher(Language.German).DefaultPath(RunId));
    }

    [Fact]
    public void FindReport_PrefersTheConfiguredLanguage()
    {
        Write($"{RunId}.en.xlsx");
        var german = Write($"{RunId}.de.xlsx");
        Write($"{RunId}.xlsx");

        Assert.Equal(german, Publisher(Language.German).FindReport(RunId));
    }

    [Fact]
    public void FindReport_WorkbookWrittenBeforeLanguageNames_IsFound()
    {
        var old = Write($"{RunId}.xlsx");

        Assert.Equal(old, Publisher(Language.English).FindReport(RunId));
    }

    [Fact]
    public void FindReport_OnlyAnotherLanguage_IsFound_NoneIsNull()
    {
        Assert.Null(Publisher(Language.English).FindReport(RunId));

        var german = Write($"{RunId}.de.xlsx");

        Assert.Equal(german, Publisher(Language.English).FindReport(RunId));
        Assert.Null(Publisher(Language.English).FindReport("audit-20261207T020000Z-j2"));
    }

    /// <summary>Issue 18, item 11: a workbook cut short is passed over, for a whole one in another language or for none.</summary>
    [Fact]
    public void FindReport_AWorkbookThatIsNotWhole_IsPassedOver()
    {
        var english = Write($"{RunId}.en.xlsx");
        File.WriteAllBytes(english, File.ReadAllBytes(english)[..100]);
        Assert.Null(Publisher(Language.English).FindReport(RunId));

        var german = Write($"{RunId}.de.xlsx");

        Assert.Equal(german, Publisher(Language.English).FindReport(RunId));
    }

    /// <summary>A small whole ZIP, as a workbook is one.</summary>
    private static void WriteZip(string path)
    {
        using var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Create);
        using var entry = new StreamWriter(zip.CreateEntry("xl/workbook.xml").Open());
        entry.Write(new string('x', 500));
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task<(AuditStorage Store, string Folder)> StoredAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "esf-publisher-tests", $"{Guid.NewGuid():N}");
        var store = AuditStorage.Sqlite(Path.Combine(folder, "esfleet.db"), TimeProvider.System);
        await StoreRunAsync(store, "scan-1", Night, [Verdict.Healthy, Verdict.MissingSinks, Verdict.Unreachable]);
        return (store, folder);
    }

    private static string[] PartialFiles(string folder) => [.. Directory.GetFiles(folder, ".*.xlsx").Select(Path.GetFileName)!];

    [Fact]
    public async Task WriteReport_FailingHalfway_KeepsTheWorkbookThatWasThere_AndLeavesNoPartialFile()
    {
        var (store, folder) = await StoredAsync();
        var reports = Path.Combine(folder, "reports");
        var first = await new RunPublisher(store.History, null, reports, Language.English).WriteReportAsync("scan-1", null, Token);
        var before = await File.ReadAllBytesAsync(first, Token);

        // The evidence is read last, into the workbook already saved by ClosedXML: the partial file exists when this fails.
        var failing = new RunPublisher(new ReportStore(store.History) { Evidence = _ => FailingEvidence() }, null, reports, Language.English);
        var error = await Assert.ThrowsAsync<AuditException>(() => failing.WriteReportAsync("scan-1", null, Token));

        Assert.Equal($"cannot write {first}: injected: the disk failed", error.Message);

        Assert.Equal(before, await File.ReadAllBytesAsync(first, Token));
        Assert.True(WorkbookFile.IsWhole(first));
        Assert.Empty(PartialFiles(reports));
    }

    [Fact]
    public async Task WriteReport_RemovesPartialFilesOfAKilledWriter_OnlyOnceTheyAreAnHourOld()
    {
        var (store, folder) = await StoredAsync();
        var reports = Directory.CreateDirectory(Path.Combine(folder, "reports")).FullName;
        // The publisher's clock, not the machine's, says how old a file is: here it runs ten hours ahead.
        var time = new FixedTime(TimeProvider.System.GetUtcNow().AddHours(10));
        var publisher = new RunPublisher(store.History, null, reports, Language.English, time);

        // A partial file is named after the workbook it becomes: .<run id>.<language>.<guid>.xlsx.
        string Partial(string runId) => Path.Combine(reports, $".{Path.GetFileNameWithoutExtension(publisher.DefaultPath(runId))}.{Guid.NewGuid():N}.xlsx");
        var abandoned = Partial("scan-1");
        var young = Partial("scan-1");
        var otherRun = Partial("scan-2");
        foreach (var file in new[] { abandoned, young, otherRun })
        {
            await File.WriteAllTextAsync(file, "PK", Token);
        }

        File.SetLastWriteTimeUtc(abandoned, time.GetUtcNow().UtcDateTime.AddMinutes(-61));
        File.SetLastWriteTimeUtc(otherRun, time.GetUtcNow().UtcDateTime.AddMinutes(-61));
        File.SetLastWriteTimeUtc(young, time.GetUtcNow().UtcDateTime.AddMinutes(-59));

        await publisher.WriteReportAsync("scan-1", null, Token);

        Assert.Equal(new[] { Path.GetFileName(young), Path.GetFileName(otherRun) }.Order(StringComparer.Ordinal), PartialFiles(reports).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task WriteReport_PathIsALinkToADevice_IsRefused_AndTheLinkStays()
    {
        var (store, folder) = await StoredAsync();
        var reports = Directory.CreateDirectory(Path.Combine(folder, "reports")).FullName;
        var publisher = new RunPublisher(store.History, null, reports, Language.English);
        var link = publisher.DefaultPath("scan-1");
        File.CreateSymbolicLink(link, "/dev/null");

        var error = await Assert.ThrowsAsync<AuditException>(() => publisher.WriteReportAsync("scan-1", null, Token));

        Assert.Equal($"cannot write the workbook: {link} is a character device, not a regular file", error.Message);
        Assert.Equal("/dev/null", new FileInfo(link).LinkTarget);
        Assert.Empty(PartialFiles(reports));
    }

    [Fact]
    public async Task SendReport_AWorkbookThatIsNotWhole_IsNotMailed()
    {
        var (store, folder) = await StoredAsync();
        var reports = Path.Combine(folder, "reports");
        var mail = new MailOptions("127.0.0.1", 9, MailTls.None, null, null, "esfleet@audit.example", ["it@example.org"], 10 << 20, null);
        var publisher = new RunPublisher(store.History, mail, reports, Language.English);
        var path = await publisher.WriteReportAsync("scan-1", null, Token);
        var whole = await File.ReadAllBytesAsync(path, Token);
        await File.WriteAllBytesAsync(path, whole.AsSpan(0, whole.Length / 2).ToArray(), Token);
        var run = (await store.History.FindRunAsync("scan-1", Token))!;

        var error = await Assert.ThrowsAsync<AuditException>(() => publisher.SendReportAsync(run, path, askPolicy: false, Token));

        Assert.Equal($"the workbook of scan-1 at {path} is not a whole workbook: write the report again (esfleet report --run scan-1)", error.Message);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    /// <summary>Evidence that cannot be read: a disk that fails while the workbook is being written.</summary>
    private static async IAsyncEnumerable<StoredEvidence> FailingEvidence()
    {
        await Task.Yield();
        throw new IOException("injected: the disk failed");
#pragma warning disable CS0162 // An iterator needs a yield.
        yield break;
#pragma warning restore CS0162
    }
}
