using System.Globalization;
using System.Net;
using System.Text.Json;
using ExchangeSmtpFleet.Simulator;
using MimeKit;

namespace ExchangeSmtpFleet.Tests.Cli;

/// <summary>Issue 10, <c>esfleet report --email</c> end to end: a stored scan, a real SMTP relay on loopback, the mail as it arrives.</summary>
public sealed class ReportMailTests
{
    private static int _block;

    private static async Task<string> ScannedDatabaseAsync(int block)
    {
        var db = Path.Combine(CliRunner.DataDirectory, $"mail-{block}.db");
        var inventory = CliRunner.TempFile(string.Create(CultureInfo.InvariantCulture, $"Host,Port,Name,Site\n127.46.{block}.1,2525,EXCH01,Berlin\n127.46.{block}.2,2525,EXCH02,Hamburg\n"));
        await using var fleet = await SmtpSimulator.StartAsync(new FleetDefinition
        {
            Hosts =
            [
                new SimulatedHostDefinition { Address = $"127.46.{block}.1", Port = 2525, TranscriptText = File.ReadAllText(CliRunner.Sample("transcripts", "ex2003-healthy-real.txt")) },
                new SimulatedHostDefinition { Address = $"127.46.{block}.2", Port = 2525, TranscriptText = File.ReadAllText(CliRunner.Sample("transcripts", "seed-example-2-missing-sinks.txt")) },
            ],
        }, TimeProvider.System);
        Assert.Equal(1, (await CliRunner.RunAsync("scan", "--inventory", inventory, "--db", db, "--no-tls")).ExitCode);
        return db;
    }

    internal static string Settings(IPEndPoint relay, string tls, string to, object? extra = null)
    {
        var mail = new Dictionary<string, object?>
        {
            ["Host"] = relay.Address.ToString(),
            ["Port"] = relay.Port,
            ["Tls"] = tls,
            ["From"] = "esfleet@audit.example",
            ["To"] = to,
        };
        foreach (var property in extra?.GetType().GetProperties() ?? [])
        {
            mail[property.Name] = property.GetValue(extra);
        }

        return CliRunner.SettingsFile(new Dictionary<string, object> { ["DATA_DIR"] = CliRunner.DataDirectory, ["Mail"] = mail });
    }

    [Fact]
    public async Task Email_DeliversBothBodiesAndTheWorkbook_OncePerRun()
    {
        var block = Interlocked.Increment(ref _block);
        var db = await ScannedDatabaseAsync(block);
        var endpoint = new IPEndPoint(IPAddress.Parse($"127.47.{block}.1"), 2587);
        await using var relay = await TestRelay.StartAsync(endpoint, startTls: false);
        var settings = Settings(endpoint, "None", "it-leitung@example.org; mail-team@example.org", new { Subject = "Fleet {date}: {unhealthy} of {hosts} need work ({run})" });
        var workbook = Path.Combine(CliRunner.DataDirectory, $"mail-{block}.xlsx");

        var sent = await CliRunner.RunWithSettingsAsync(settings, "report", "--db", db, "--out", workbook, "--email");

        Assert.True(sent.ExitCode == 0, sent.Error);
        Assert.Equal(workbook, sent.Output.Trim());
        Assert.Contains("mailed to it-leitung@example.org, mail-team@example.org", sent.Error, StringComparison.Ordinal);
        var (message, recipients, secure) = Assert.Single(relay.Received);
        Assert.False(secure);
        Assert.Equal(["it-leitung@example.org", "mail-team@example.org"], recipients);
        Assert.Equal(["it-leitung@example.org", "mail-team@example.org"], message.To.Mailboxes.Select(m => m.Address));
        Assert.Equal("esfleet@audit.example", message.From.Mailboxes.Single().Address);
        Assert.Matches(@"^Fleet \S+: 1 of 2 need work \(scan-", message.Subject);

        // Both bodies: counts per verdict, the new problem and the host to act on first.
        Assert.Contains("Exchange event sinks not loaded      ", message.TextBody, StringComparison.Ordinal);
        Assert.Contains($"127.46.{block}.2:2525 EXCH02 Hamburg: Exchange event sinks not loaded; Missing: X-EXPS, X-EXPS=LOGIN, X-LINK2STATE, XEXCH50; In this verdict since: ", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("XEXCH50", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("<table", message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains($"127.46.{block}.2:2525 EXCH02 Hamburg", message.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain($"127.46.{block}.1:2525 EXCH01", message.HtmlBody, StringComparison.Ordinal);

        // The attachment is the workbook, byte for byte.
        var attachment = Assert.Single(message.Attachments.OfType<MimePart>());
        Assert.Equal($"mail-{block}.xlsx", attachment.FileName);
        using var bytes = new MemoryStream();
        await attachment.Content!.DecodeToAsync(bytes, TestContext.Current.CancellationToken);
        Assert.Equal(await File.ReadAllBytesAsync(workbook, TestContext.Current.CancellationToken), bytes.ToArray());

        // A retried job: the run was mailed, nothing is sent again, and that is not a failure.
        var again = await CliRunner.RunWithSettingsAsync(settings, "report", "--db", db, "--out", workbook, "--email");
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("was mailed at", again.Error, StringComparison.Ordinal);
        Assert.Single(relay.Received);

        // --resend sends it again.
        var resent = await CliRunner.RunWithSettingsAsync(settings, "report", "--db", db, "--out", workbook, "--email", "--resend");
        Assert.Equal(0, resent.ExitCode);
        Assert.Equal(2, relay.Received.Count);
    }

    [Fact]
    public async Task Email_OverStartTls_WithThePinnedCertificateAndALogin_InGerman()
    {
        var block = Interlocked.Increment(ref _block);
        var db = await ScannedDatabaseAsync(block);
        var endpoint = new IPEndPoint(IPAddress.Parse($"127.47.{block}.1"), 2587);
        await using var relay = await TestRelay.StartAsync(endpoint, startTls: true, login: ("esfleet", "s3cret-Pa55"));
        var settings = Settings(endpoint, "StartTls", "it-leitung@example.org", new { User = "esfleet", Password = "s3cret-Pa55", TrustedThumbprint = relay.Certificate!.Thumbprint });

        var sent = await CliRunner.RunWithSettingsAsync(settings, "report", "--db", db, "--lang", "de", "--email");

        Assert.True(sent.ExitCode == 0, sent.Error);
        var (message, _, secure) = Assert.Single(relay.Received);
        Assert.True(secure);
        Assert.Contains("Neue Probleme seit dem vorigen Lauf", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("Neue Probleme seit dem vorigen Lauf", message.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-Pa55", sent.Output + sent.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Email_ToARelayWithAnUnknownCertificate_IsRefusedAndExits2()
    {
        var block = Interlocked.Increment(ref _block);
        var db = await ScannedDatabaseAsync(block);
        var endpoint = new IPEndPoint(IPAddress.Parse($"127.47.{block}.1"), 2587);
        await using var relay = await TestRelay.StartAsync(endpoint, startTls: true);
        var settings = Settings(endpoint, "StartTls", "it-leitung@example.org", new { TrustedThumbprint = new string('A', 40) });
        var workbook = Path.Combine(CliRunner.DataDirectory, $"untrusted-{block}.xlsx");

        var sent = await CliRunner.RunWithSettingsAsync(settings, "report", "--db", db, "--out", workbook, "--email");

        Assert.Equal(2, sent.ExitCode);
        Assert.Contains($"not mailed: mail relay 127.47.{block}.1:2587", sent.Error, StringComparison.Ordinal);
        Assert.Contains($"the workbook stays at {workbook}", sent.Error, StringComparison.Ordinal);
        Assert.True(File.Exists(workbook));
        Assert.Empty(relay.Received);
    }

    [Fact]
    public async Task Email_ARefusedRecipient_Exits2WithTheRelaysAnswer_AndIsNotRecordedAsMailed()
    {
        var block = Interlocked.Increment(ref _block);
        var db = await ScannedDatabaseAsync(block);
        var endpoint = new IPEndPoint(IPAddress.Parse($"127.47.{block}.1"), 2587);
        await using var relay = await TestRelay.StartAsync(endpoint, startTls: false, accepts: to => to != "nobody@example.org");
        var settings = Settings(endpoint, "None", "nobody@example.org");
        var workbook = Path.Combine(CliRunner.DataDirectory, $"refused-{block}.xlsx");

        var sent = await CliRunner.RunWithSettingsAsync(settings, "report", "--db", db, "--out", workbook, "--email");

        Assert.Equal(2, sent.ExitCode);
        Assert.Equal(workbook, sent.Output.Trim());
        Assert.Matches($@"esfleet report: not mailed: mail relay 127\.47\.{block}\.1:2587: 55\d ", sent.Error);
        Assert.True(File.Exists(workbook));
        Assert.Empty(relay.Received);

        // Not recorded: the next attempt (with the recipient fixed) sends it.
        var fixedSettings = Settings(endpoint, "None", "it-leitung@example.org");
        Assert.Equal(0, (await CliRunner.RunWithSettingsAsync(fixedSettings, "report", "--db", db, "--out", workbook, "--email")).ExitCode);
        Assert.Single(relay.Received);
    }

    [Fact]
    public async Task Email_StartTlsToARelayWithoutIt_IsRefusedWithOneLine()
    {
        var block = Interlocked.Increment(ref _block);
        var db = await ScannedDatabaseAsync(block);
        var endpoint = new IPEndPoint(IPAddress.Parse($"127.47.{block}.1"), 2587);
        await using var relay = await TestRelay.StartAsync(endpoint, startTls: false);

        var sent = await CliRunner.RunWithSettingsAsync(Settings(endpoint, "StartTls", "it-leitung@example.org"), "report", "--db", db, "--email");

        Assert.Equal(2, sent.ExitCode);
        var line = Assert.Single(sent.Error.Trim().Split('\n'));
        Assert.Contains($"not mailed: mail relay 127.47.{block}.1:2587: ", line, StringComparison.Ordinal);
        Assert.Contains("STARTTLS", line, StringComparison.Ordinal);
        Assert.Empty(relay.Received);
    }

    [Fact]
    public async Task Email_ALoginToARelayWithoutAuth_IsRefusedWithOneLine()
    {
        var block = Interlocked.Increment(ref _block);
        var db = await ScannedDatabaseAsync(block);
        var endpoint = new IPEndPoint(IPAddress.Parse($"127.47.{block}.1"), 2587);
        await using var relay = await TestRelay.StartAsync(endpoint, startTls: false);

        var sent = await CliRunner.RunWithSettingsAsync(
            Settings(endpoint, "None", "it-leitung@example.org", new { User = "esfleet", Password = "s3cret-Pa55" }), "report", "--db", db, "--email");

        Assert.Equal(2, sent.ExitCode);
        var lines = sent.Error.Trim().Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.Equal("esfleet report: warning: Mail:Tls is None and Mail:User is set: the password crosses the network in clear (Auto or StartTls protects it)", lines[0]);
        Assert.Contains($"not mailed: mail relay 127.47.{block}.1:2587: ", lines[1], StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-Pa55", sent.Error, StringComparison.Ordinal);
        Assert.Empty(relay.Received);
    }

    [Fact]
    public async Task Email_ARelayThatIsNotThere_Exits2WithOneLine()
    {
        var block = Interlocked.Increment(ref _block);
        var db = await ScannedDatabaseAsync(block);
        var settings = Settings(new IPEndPoint(IPAddress.Parse($"127.47.{block}.1"), 2599), "None", "it-leitung@example.org");

        var sent = await CliRunner.RunWithSettingsAsync(settings, "report", "--db", db, "--email");

        Assert.Equal(2, sent.ExitCode);
        var line = Assert.Single(sent.Error.Trim().Split('\n'));
        Assert.StartsWith($"esfleet report: not mailed: mail relay 127.47.{block}.1:2599: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", sent.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Email_AHostileRelaysAnswer_ReachesTheTerminalEscaped()
    {
        var block = Interlocked.Increment(ref _block);
        var db = await ScannedDatabaseAsync(block);
        var endpoint = new IPEndPoint(IPAddress.Parse($"127.47.{block}.1"), 2587);
        using var listener = new System.Net.Sockets.TcpListener(endpoint);
        listener.Start();
        var relay = Task.Run(async () =>
        {
            // A relay that greets, then refuses the sender with an escape sequence that would recolour the terminal.
            using var client = await listener.AcceptTcpClientAsync(TestContext.Current.CancellationToken);
            await using var stream = client.GetStream();
            using var reader = new StreamReader(stream);
            await using var writer = new StreamWriter(stream) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 relay.test ESMTP");
            while (await reader.ReadLineAsync(TestContext.Current.CancellationToken) is { } command)
            {
                await writer.WriteLineAsync(command.StartsWith("EHLO", StringComparison.OrdinalIgnoreCase) ? "250 relay.test"
                    : command.StartsWith("MAIL", StringComparison.OrdinalIgnoreCase) ? "554 \u001b[31mgo away\u001b[0m"
                    : command.StartsWith("QUIT", StringComparison.OrdinalIgnoreCase) ? "221 bye" : "250 OK");
            }
        }, TestContext.Current.CancellationToken);

        var sent = await CliRunner.RunWithSettingsAsync(Settings(endpoint, "None", "it-leitung@example.org"), "report", "--db", db, "--email");

        Assert.Equal(2, sent.ExitCode);
        Assert.Contains("554 \\x1B[31mgo away\\x1B[0m", sent.Error, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', sent.Error);
        await relay.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Email_AWorkbookAboveTheLimit_IsNotAttached_TheMailSaysWhereItLies()
    {
        var block = Interlocked.Increment(ref _block);
        var db = await ScannedDatabaseAsync(block);
        var endpoint = new IPEndPoint(IPAddress.Parse($"127.47.{block}.1"), 2587);
        await using var relay = await TestRelay.StartAsync(endpoint, startTls: false);
        var settings = Settings(endpoint, "None", "it-leitung@example.org", new { MaxAttachmentBytes = 1000 });
        var workbook = Path.Combine(CliRunner.DataDirectory, $"large-{block}.xlsx");

        Assert.Equal(0, (await CliRunner.RunWithSettingsAsync(settings, "report", "--db", db, "--out", workbook, "--email")).ExitCode);

        var (message, _, _) = Assert.Single(relay.Received);
        Assert.Empty(message.Attachments);
        Assert.Contains($"too large to attach; it lies here: {workbook}", message.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Email_WithoutARelayConfigured_NamesEverySettingMissing_BeforeAnyWork()
    {
        var block = Interlocked.Increment(ref _block);
        var db = await ScannedDatabaseAsync(block);
        var workbook = Path.Combine(CliRunner.DataDirectory, $"unmailed-{block}.xlsx");

        var sent = await CliRunner.RunAsync("report", "--db", db, "--email", "--out", workbook);

        Assert.Equal(2, sent.ExitCode);
        Assert.Equal(
            [
                "esfleet: configuration: --email: Mail:Host is not set (the mail relay)",
                "esfleet: configuration: --email: Mail:From must be a mail address, not ''",
                "esfleet: configuration: --email: Mail:To needs at least one recipient",
            ],
            sent.Error.Trim().Split('\n'));
        Assert.False(File.Exists(workbook), "nothing is done before the mail settings are right");
    }

    [Fact]
    public async Task AuditEmail_WithoutARelayConfigured_StopsBeforeTheInventory_TheSimulatorAndTheJsonFile()
    {
        var json = CliRunner.TempFile("precious\n");

        var audit = await CliRunner.RunAsync(
            "audit", "--inventory", CliRunner.Sample("inventory-lab.csv"), "--simulate", CliRunner.Sample("lab-fleet.json"), "--json", json, "--email");

        Assert.Equal(2, audit.ExitCode);
        Assert.Equal(3, audit.Error.Trim().Split('\n').Length);
        Assert.All(audit.Error.Trim().Split('\n'), l => Assert.StartsWith("esfleet: configuration: --email: Mail:", l, StringComparison.Ordinal));
        Assert.Equal("precious\n", File.ReadAllText(json));
        Assert.DoesNotContain("simulating", audit.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Tls", "Sometimes", "Mail:Tls must be Auto, StartTls, Implicit or None, not 'Sometimes'")]
    [InlineData("To", "", "Mail:To needs at least one recipient")]
    [InlineData("From", "not an address", "Mail:From must be a mail address")]
    public async Task BadMailSettings_AreNamedAtStart(string name, string value, string expected)
    {
        var settings = Settings(new IPEndPoint(IPAddress.Loopback, 25), "None", "it-leitung@example.org", null);
        var json = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(await File.ReadAllTextAsync(settings, TestContext.Current.CancellationToken))!;
        var mail = JsonSerializer.Deserialize<Dictionary<string, object>>(json["Mail"].GetRawText())!;
        mail[name] = value;
        await File.WriteAllTextAsync(settings, JsonSerializer.Serialize(new Dictionary<string, object> { ["DATA_DIR"] = CliRunner.DataDirectory, ["Mail"] = mail }), TestContext.Current.CancellationToken);

        var run = await CliRunner.RunWithSettingsAsync(settings, "runs");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.Error, StringComparison.Ordinal);
    }
}
