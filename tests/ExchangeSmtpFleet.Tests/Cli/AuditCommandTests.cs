using System.Globalization;
using System.Net;
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
        var workbook = Path.Combine(folder, $"{runId}.xlsx");
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
}
