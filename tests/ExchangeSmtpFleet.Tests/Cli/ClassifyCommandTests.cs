using System.Text.Json;

namespace ExchangeSmtpFleet.Tests.Cli;

public sealed class ClassifyCommandTests
{
    [Fact]
    public async Task Classify_HealthySeed_ExitsZeroAndSaysHealthy()
    {
        var run = await CliRunner.RunAsync("classify", CliRunner.Sample("transcripts", "seed-example-1-healthy.txt"));

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Healthy", run.Output);
        Assert.Contains("microsoft-exchange-2000/2003", run.Output);
    }

    [Fact]
    public async Task Classify_MissingSinksSeed_ExitsOneWithCausesAndRemediation()
    {
        var run = await CliRunner.RunAsync("classify", CliRunner.Sample("transcripts", "seed-example-2-missing-sinks.txt"));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Exchange event sinks not loaded", run.Output);
        Assert.Contains("X-EXPS, X-EXPS=LOGIN, X-LINK2STATE, XEXCH50", run.Output);
        Assert.Contains("Probable causes", run.Output);
        Assert.Contains("1. Uninstall IIS.", run.Output);
        Assert.Contains("Outlook Web Access", run.Output);
    }

    [Fact]
    public async Task Classify_German_PrintsGermanRemediation()
    {
        var run = await CliRunner.RunAsync("classify", "--lang", "de", CliRunner.Sample("transcripts", "seed-example-2-missing-sinks.txt"));

        Assert.Contains("Befund", run.Output);
        Assert.Contains("1. Deinstallieren Sie IIS.", run.Output);
    }

    [Fact]
    public async Task Classify_JsonForEveryTranscript_OneObjectPerLineWithSpecFields()
    {
        var files = Directory.GetFiles(CliRunner.Sample("transcripts"), "*.txt").Order().ToArray();

        var run = await CliRunner.RunAsync(["classify", "--json", .. files]);

        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(files.Length, lines.Length);
        foreach (var line in lines)
        {
            using var json = JsonDocument.Parse(line);
            foreach (var field in new[] { "verdict", "reason", "family", "keywords", "missing", "unexpected", "findings", "file" })
            {
                Assert.True(json.RootElement.TryGetProperty(field, out _), $"missing field {field} in {line}");
            }
        }

        Assert.Equal(1, run.ExitCode);
    }

    [Fact]
    public async Task Classify_ProfileOption_ChangesTheJudgement()
    {
        var run = await CliRunner.RunAsync("classify", "--json", "--profile", "exchange-2007+", CliRunner.Sample("transcripts", "exchange-2010-hub.txt"));

        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal("Healthy", json.RootElement.GetProperty("verdict").GetString());
        Assert.Equal(0, run.ExitCode);
    }

    [Fact]
    public async Task Classify_MissingFile_ExitsTwoAndStillClassifiesTheOthers()
    {
        var run = await CliRunner.RunAsync("classify", "--json", "/no/such/file.txt", CliRunner.Sample("transcripts", "seed-example-1-healthy.txt"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("/no/such/file.txt", run.Error);
        Assert.Contains("Healthy", run.Output);
    }

    [Fact]
    public async Task Classify_FileWithoutReplyLines_ExitsTwo()
    {
        var path = CliRunner.TempFile("just some notes\nehlo mail1\n", ".txt");

        var run = await CliRunner.RunAsync("classify", path);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("no SMTP reply lines: paste the server's lines as telnet shows them", run.Error, StringComparison.Ordinal);
        Assert.Contains("only the EHLO keywords", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Classify_UnknownProfile_ExitsTwo()
    {
        var run = await CliRunner.RunAsync("classify", "--profile", "nope", CliRunner.Sample("transcripts", "seed-example-1-healthy.txt"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("unknown profile 'nope'", run.Error);
    }

    /// <summary>Issue 20, item 5: a transcript quoted in a mail (<c>&gt; 250-...</c>) is classified as the plain one.</summary>
    [Fact]
    public async Task Classify_MailQuotedPaste_IsClassified()
    {
        var plain = await File.ReadAllTextAsync(CliRunner.Sample("transcripts", "seed-example-2-missing-sinks.txt"), TestContext.Current.CancellationToken);
        var path = CliRunner.TempFile(string.Join("\n", plain.Split('\n').Select(l => "> " + l)), ".txt");

        var run = await CliRunner.RunAsync("classify", path);

        Assert.True(run.ExitCode == 1, run.Error);
        Assert.Contains("  Verdict          Exchange event sinks not loaded\n", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Classify_BareKeywordList_IsReadAsTheEhloReply_AndSaysSo()
    {
        var path = CliRunner.TempFile("X-EXPS GSSAPI NTLM LOGIN, X-EXPS=LOGIN, TURN, SIZE, PIPELINING, 8bitmime, X-LINK2STATE, XEXCH50, OK\n", ".txt");

        var run = await CliRunner.RunAsync("classify", path);

        Assert.True(run.ExitCode is 0 or 1, run.Error);
        Assert.Contains("(a keyword list: no banner, no reply codes)", run.Output, StringComparison.Ordinal);
        Assert.Contains("  Family           microsoft-exchange-2000/2003", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Classify_TimesBeforeTheCodes_SaysWhatToRemove()
    {
        var path = CliRunner.TempFile("[10:00:01] 220 mail1 ready\n[10:00:02] 250-mail1 Hello\n[10:00:02] 250 OK\n", ".txt");

        var run = await CliRunner.RunAsync("classify", path);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("'[10:00:01] 220 mail1 ready' has something before its reply code; remove it", run.Error, StringComparison.Ordinal);
    }
}
