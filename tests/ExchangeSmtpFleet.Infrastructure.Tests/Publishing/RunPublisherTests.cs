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
/// Issue 18, items 2 and 11: the workbook at a run's path is whole or absent, whatever happens while it is written, and the
/// path is never something the move would destroy.
/// </summary>
public sealed class RunPublisherTests
{
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
        var abandoned = Path.Combine(reports, $".scan-1.{Guid.NewGuid():N}.xlsx");
        var young = Path.Combine(reports, $".scan-1.{Guid.NewGuid():N}.xlsx");
        var otherRun = Path.Combine(reports, $".scan-2.{Guid.NewGuid():N}.xlsx");
        foreach (var file in new[] { abandoned, young, otherRun })
        {
            await File.WriteAllTextAsync(file, "PK", Token);
        }

        File.SetLastWriteTimeUtc(abandoned, time.GetUtcNow().UtcDateTime.AddMinutes(-61));
        File.SetLastWriteTimeUtc(otherRun, time.GetUtcNow().UtcDateTime.AddMinutes(-61));
        File.SetLastWriteTimeUtc(young, time.GetUtcNow().UtcDateTime.AddMinutes(-59));

        await new RunPublisher(store.History, null, reports, Language.English, time).WriteReportAsync("scan-1", null, Token);

        Assert.Equal(new[] { Path.GetFileName(young), Path.GetFileName(otherRun) }.Order(StringComparer.Ordinal), PartialFiles(reports).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task WriteReport_PathIsALinkToADevice_IsRefused_AndTheLinkStays()
    {
        var (store, folder) = await StoredAsync();
        var reports = Directory.CreateDirectory(Path.Combine(folder, "reports")).FullName;
        var link = Path.Combine(reports, "scan-1.xlsx");
        File.CreateSymbolicLink(link, "/dev/null");

        var error = await Assert.ThrowsAsync<AuditException>(() => new RunPublisher(store.History, null, reports, Language.English).WriteReportAsync("scan-1", null, Token));

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
