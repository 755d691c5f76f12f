using ExchangeSmtpFleet.Tests.Cli;

namespace ExchangeSmtpFleet.Tests.Jobs;

/// <summary>
/// Issue 20, item 5: a normal run prints no framework warning lines. The first start of the dashboard's host made its
/// antiforgery key and warned "No XML encryptor configured"; the key stays in the data folder, readable by its owner only.
/// </summary>
public sealed class DataProtectionKeysTests
{
    [Fact]
    public async Task Demo_FirstAndSecondRun_PrintNoWarning_KeepTheKeyInTheDataFolder()
    {
        var data = Path.Combine(CliRunner.DataDirectory, $"data-protection-{Guid.NewGuid():N}");
        var fleet = CliRunner.TempFile(
            $$"""{"hosts":[{"address":"127.63.0.1","port":2525,"name":"exch01","transcript":"{{CliRunner.Sample("transcripts", "ex2003-healthy-real.txt")}}","fault":"none"}]}""",
            ".json");
        var inventory = CliRunner.TempFile("Host,Port\n127.63.0.1,2525\n");
        var environment = new Dictionary<string, string> { ["ESF_DATA_DIR"] = data };
        var script = $"$ESFLEET demo --inventory '{inventory}' --simulate '{fleet}'";

        var first = await CliRunner.RunInChildAsync(script, environment);
        var second = await CliRunner.RunInChildAsync(script, environment);

        Assert.True(first.ExitCode == 0, first.Error + first.Output);
        Assert.True(second.ExitCode == 0, second.Error + second.Output);
        Assert.DoesNotContain("warn:", first.Error + first.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("warn:", second.Error + second.Output, StringComparison.Ordinal);
        Assert.Contains("report: ", first.Output, StringComparison.Ordinal);
        var keys = Path.Combine(data, "dataprotection-keys");
        Assert.Single(Directory.GetFiles(keys, "key-*.xml"));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(keys));
        }
    }
}
