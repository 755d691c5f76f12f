using System.Globalization;
using System.Net;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Inventory;
using ExchangeSmtpFleet.Core.Probing;
using ExchangeSmtpFleet.Infrastructure.Persistence;
using ExchangeSmtpFleet.Simulator;

namespace ExchangeSmtpFleet.Tests.Cli;

/// <summary><c>esfleet audit</c> (issue 11, item 2): scan, store, report and mail in the foreground.</summary>
public sealed class AuditCommandTests
{
    private static int _block;

    private static async Task<(SmtpSimulator Fleet, string Inventory)> FleetAsync(int block)
    {
        var inventory = CliRunner.TempFile(string.Create(CultureInfo.InvariantCulture, $"Host,Port,Name,Site\n127.48.{block}.1,2525,EXCH01,Berlin\n127.48.{block}.2,2525,EXCH02,Hamburg\n"));
        var fleet = await SmtpSimulator.StartAsync(new FleetDefinition
        {
            Hosts =
            [
                new SimulatedHostDefinition { Address = $"127.48.{block}.1", Port = 2525, TranscriptText = File.ReadAllText(CliRunner.Sample("transcripts", "ex2003-healthy-real.txt")) },
                new SimulatedHostDefinition { Address = $"127.48.{block}.2", Port = 2525, TranscriptText = File.ReadAllText(CliRunner.Sample("transcripts", "seed-example-2-missing-sinks.txt")) },
            ],
        }, TimeProvider.System);
        return (fleet, inventory);
    }

    [Fact]
    public async Task Audit_StoresTheRun_WritesItsReportWhereOutSays_AndExitsLikeScan()
    {
        var block = Interlocked.Increment(ref _block);
        var (fleet, inventory) = await FleetAsync(block);
        await using var running = fleet;
        var db = Path.Combine(CliRunner.DataDirectory, $"audit-{block}.db");
        var folder = Path.Combine(CliRunner.DataDirectory, $"audit-reports-{block}");

        var run = await CliRunner.RunAsync("audit", "--inventory", inventory, "--db", db, "--no-tls", "--out", folder, "--lang", "de");

        Assert.True(run.ExitCode == 1, run.Error);
        var runId = System.Text.RegularExpressions.Regex.Match(run.Output, @"stored as run (audit-\S+) in").Groups[1].Value;
        Assert.NotEmpty(runId);
        var workbook = Path.Combine(folder, $"{runId}.de.xlsx");
        Assert.Contains($"report: {workbook}", run.Output, StringComparison.Ordinal);
        using var opened = new ClosedXML.Excel.XLWorkbook(workbook);
        Assert.Equal([$"127.48.{block}.2:2525"], opened.Worksheet("Fehlende Senken").RowsUsed().Skip(1).Select(r => r.Cell(1).GetString()));

        // The stored run is the one the report commands read.
        Assert.Contains(runId, (await CliRunner.RunAsync("runs", "--db", db)).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_WithEmail_MailsTheReport_AndARefusingRelayMakesItExit2()
    {
        var block = Interlocked.Increment(ref _block);
        var (fleet, inventory) = await FleetAsync(block);
        await using var running = fleet;
        var db = Path.Combine(CliRunner.DataDirectory, $"audit-mail-{block}.db");
        var endpoint = new IPEndPoint(IPAddress.Parse($"127.49.{block}.1"), 2587);
        await using var relay = await TestRelay.StartAsync(endpoint, startTls: false, accepts: to => to != "nobody@example.org");

        var mailed = await CliRunner.RunWithSettingsAsync(
            ReportMailTests.Settings(endpoint, "None", "it-leitung@example.org"), "audit", "--inventory", inventory, "--db", db, "--no-tls", "--email");

        Assert.True(mailed.ExitCode == 1, mailed.Error);
        var (message, _, _) = Assert.Single(relay.Received);
        Assert.Contains($"127.48.{block}.2:2525 EXCH02 Hamburg", message.TextBody, StringComparison.Ordinal);
        Assert.Single(message.Attachments);

        var refused = await CliRunner.RunWithSettingsAsync(
            ReportMailTests.Settings(endpoint, "None", "nobody@example.org"), "audit", "--inventory", inventory, "--db", db, "--no-tls", "--email");

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("esfleet audit: not mailed: mail relay", refused.Error, StringComparison.Ordinal);
        Assert.Contains("report: ", refused.Output, StringComparison.Ordinal);
        Assert.Single(relay.Received);
    }

    /// <summary>Issue 17: the foreground audit takes the audit lock, as the nightly one does; a second audit is refused before it probes.</summary>
    [Fact]
    public async Task Audit_WhileAnotherAuditRuns_IsRefusedNamingIt_Exit2_AndProbesNothing()
    {
        var block = Interlocked.Increment(ref _block);
        var (fleet, inventory) = await FleetAsync(block);
        await using var running = fleet;
        var db = Path.Combine(CliRunner.DataDirectory, $"audit-locked-{block}.db");
        var storage = AuditStorage.Sqlite(db, TimeProvider.System);
        var now = TimeProvider.System.GetUtcNow();
        var other = new AuditRun
        {
            RunId = "audit-20261206T020000Z-j42",
            StartedAt = now.AddMinutes(-5),
            InventoryPath = inventory,
            HostCount = 2,
            Concurrency = 2,
            Probe = new ProbeOptions(),
            ToolVersion = "test",
        };
        Assert.Equal(other.RunId, await storage.Ledger.TakeAuditLockAsync(other.RunId, now, now.AddHours(-20), TestContext.Current.CancellationToken));
        await storage.Writer.BeginRunAsync(other, new InventoryReadResult { Hosts = [new InventoryHost { LineNumber = 2, Host = "a.example", Profile = "exchange-2003" }] }, null, TestContext.Current.CancellationToken);

        var run = await CliRunner.RunAsync("audit", "--inventory", inventory, "--db", db, "--no-tls");

        Assert.Equal(2, run.ExitCode);
        Assert.True(run.Error.StartsWith($"esfleet audit: audit {other.RunId} is still running (0 of 2 hosts done, started ", StringComparison.Ordinal), run.Error);
        Assert.Contains("try again when it has finished", run.Error, StringComparison.Ordinal);
        Assert.Equal(0, fleet.Statistics.Sessions);
        Assert.Equal([other.RunId], (await storage.History.ListRunsAsync(10, TestContext.Current.CancellationToken)).Select(r => r.RunId));

        // A scan is no audit: it runs beside it.
        Assert.Equal(1, (await CliRunner.RunAsync("scan", "--inventory", inventory, "--db", db, "--no-tls")).ExitCode);
    }

    /// <summary>
    /// Issue 17: the workbook is written beside its path and moved into place, by the foreground audit as by the jobs: a
    /// disk that fills up half-way (a 16 KiB tmpfs in a mount namespace of the child) leaves no file at the final path and
    /// no partial file behind. Skipped where unshare --mount is not allowed.
    /// </summary>
    [Theory]
    [InlineData("audit")]
    [InlineData("report")]
    public async Task Workbook_DiskFullHalfway_LeavesNoFileAtThePath_AndExits2(string command)
    {
        var block = Interlocked.Increment(ref _block);
        var (fleet, inventory) = await FleetAsync(block);
        await using var running = fleet;
        var folder = Directory.CreateDirectory(Path.Combine(CliRunner.DataDirectory, $"full-{command}-{block}")).FullName;
        var db = Path.Combine(CliRunner.DataDirectory, $"full-{command}-{block}.db");
        var probe = await CliRunner.RunInChildAsync($"unshare --mount sh -c 'mount -t tmpfs -o size=16k tmpfs {folder}'");
        Assert.SkipWhen(probe.ExitCode != 0, $"a tmpfs in a mount namespace is not allowed here: {probe.Error.Trim()}");
        var esfleet = command == "audit"
            ? $"$ESFLEET audit --inventory {inventory} --db {db} --no-tls --out {folder}"
            : $"$ESFLEET report --db {db} --out {folder}/report.xlsx";
        if (command == "report")
        {
            Assert.Equal(1, (await CliRunner.RunAsync("scan", "--inventory", inventory, "--db", db, "--no-tls")).ExitCode);
        }

        var run = await CliRunner.RunInChildAsync($"unshare --mount sh -c 'mount -t tmpfs -o size=16k tmpfs {folder} && {esfleet}; echo \"exit $?\" >&2; ls -A {folder} >&2'");

        var lines = run.Error.Trim().Split('\n');
        Assert.Contains("exit 2", lines);
        Assert.Contains(lines, l => l.StartsWith($"esfleet {command}: cannot write {folder}/", StringComparison.Ordinal) && l.Contains("No space left on device", StringComparison.Ordinal));
        Assert.Equal("exit 2", lines[^1]);
    }
}
