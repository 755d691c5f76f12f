using System.Diagnostics;
using System.Globalization;
using ExchangeSmtpFleet.Simulator;

namespace ExchangeSmtpFleet.Tests.Cli;

/// <summary>
/// Issue 18, item 2: <c>report --out</c> and <c>audit --out</c> with a name that cannot hold a workbook are one line naming
/// <c>--out</c> and exit 2, before anything is read or probed, and nothing at that name is replaced. The device case uses a
/// symbolic link to <c>/dev/null</c>: an unchecked move replaces the link (which the test sees), never the device itself.
/// </summary>
public sealed class ReportTargetTests
{
    private static int _block;

    private static readonly Lazy<Task<string>> StoredRun = new(async () =>
    {
        var block = Interlocked.Increment(ref _block);
        var db = Path.Combine(CliRunner.DataDirectory, $"report-target-{block}.db");
        var (fleet, inventory) = await FleetAsync(block);
        await using (fleet)
        {
            Assert.Equal(1, (await CliRunner.RunAsync("scan", "--inventory", inventory, "--db", db, "--no-tls")).ExitCode);
        }

        return db;
    });

    public static TheoryData<string> NotAWorkbook() => ["", " ", "report", "report.csv", "folder", "folder.xlsx", "fifo.xlsx", "device.xlsx"];

    [Theory]
    [MemberData(nameof(NotAWorkbook))]
    public async Task Report_OutNotAWorkbook_IsOneLineNamingOut_Exit2_AndReplacesNothing(string name)
    {
        var db = await StoredRun.Value;
        var folder = Directory.CreateDirectory(Path.Combine(CliRunner.DataDirectory, $"report-target-{Guid.NewGuid():N}")).FullName;
        Directory.CreateDirectory(Path.Combine(folder, "folder"));
        Directory.CreateDirectory(Path.Combine(folder, "folder.xlsx"));
        Mkfifo(Path.Combine(folder, "fifo.xlsx"));
        File.CreateSymbolicLink(Path.Combine(folder, "device.xlsx"), "/dev/null");
        var before = Snapshot(folder);

        var run = await CliRunner.RunAsync("report", "--db", db, "--out", string.IsNullOrWhiteSpace(name) ? name : Path.Combine(folder, name));

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.Error.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("esfleet report: --out must name ", line, StringComparison.Ordinal);
        Assert.Empty(run.Output);
        Assert.Equal(before, Snapshot(folder));
    }

    [Theory]
    [InlineData("file")]
    [InlineData("fifo")]
    [InlineData("device")]
    [InlineData("empty")]
    public async Task Audit_OutNotAFolder_IsOneLineNamingOut_Exit2_BeforeAnyHostIsProbed(string kind)
    {
        var block = Interlocked.Increment(ref _block);
        var (fleet, inventory) = await FleetAsync(block);
        await using var running = fleet;
        var folder = Directory.CreateDirectory(Path.Combine(CliRunner.DataDirectory, $"audit-target-{block}")).FullName;
        var target = Path.Combine(folder, "reports");
        switch (kind)
        {
            case "file":
                File.WriteAllText(target, "not a folder");
                break;
            case "fifo":
                Mkfifo(target);
                break;
            case "empty":
                target = string.Empty;
                break;
            default:
                File.CreateSymbolicLink(target, "/dev/null");
                break;
        }

        var run = await CliRunner.RunAsync("audit", "--inventory", inventory, "--db", Path.Combine(folder, "esfleet.db"), "--no-tls", "--out", target);

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.Error.TrimEnd('\n').Split('\n'));
        Assert.StartsWith(kind == "empty" ? "esfleet audit: --out must name the folder of the report, not ''" : $"esfleet audit: --out must name the folder of the report: {target} is a ", line, StringComparison.Ordinal);
        Assert.Equal(0, fleet.Statistics.Sessions);
    }

    private static async Task<(SmtpSimulator Fleet, string Inventory)> FleetAsync(int block)
    {
        var address = string.Create(CultureInfo.InvariantCulture, $"127.61.{block}.1");
        var inventory = CliRunner.TempFile($"Host,Port,Name\n{address},2525,EXCH01\n");
        var fleet = await SmtpSimulator.StartAsync(new FleetDefinition
        {
            Hosts = [new SimulatedHostDefinition { Address = address, Port = 2525, TranscriptText = File.ReadAllText(CliRunner.Sample("transcripts", "seed-example-2-missing-sinks.txt")) }],
        }, TimeProvider.System);
        return (fleet, inventory);
    }

    private static void Mkfifo(string path)
    {
        using var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [path]) { RedirectStandardError = true })!;
        mkfifo.WaitForExit();
        Assert.True(mkfifo.ExitCode == 0, mkfifo.StandardError.ReadToEnd());
    }

    /// <summary>Every entry of the folder with what it is: a link stays a link to the same target, nothing is added.</summary>
    private static List<string> Snapshot(string folder) =>
    [
        .. new DirectoryInfo(folder).EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal)
            .Select(e => $"{e.Name} {e.Attributes} {e.LinkTarget} {(e is FileInfo { LinkTarget: null } f ? f.Length : 0)}"),
    ];
}
