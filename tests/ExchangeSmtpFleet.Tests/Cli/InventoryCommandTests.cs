namespace ExchangeSmtpFleet.Tests.Cli;

public sealed class InventoryCommandTests
{
    [Fact]
    public async Task Check_SampleInventory_ExitsZero()
    {
        var run = await CliRunner.RunAsync("inventory", "check", CliRunner.Sample("inventory.csv"));

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("0 with problems", run.Output);
    }

    [Fact]
    public async Task Check_BadRows_ListsEachWithLineNumberAndExitsOne()
    {
        var path = CliRunner.TempFile("Host;Port\nmail1;25\nmail2;0\n;25\nmail1;25\n");

        var run = await CliRunner.RunAsync("inventory", "check", path);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("line 3: Port '0'", run.Output);
        Assert.Contains("line 4: Host is missing", run.Output);
        Assert.Contains("line 5: duplicate of line 2", run.Output);
        Assert.Contains(": 4 rows, 1 host to audit, 3 with problems", run.Output, StringComparison.Ordinal);
    }

    /// <summary>Issue 21, item 6: fields longer than the database keeps are warned about; the host is still audited.</summary>
    [Fact]
    public async Task Check_FieldsLongerThanTheDatabaseKeeps_AreWarnings_NotProblems()
    {
        var path = CliRunner.TempFile($"Host,Name,Site,Owner\nmail1,{new string('n', 300)},Berlin,{new string('o', 257)}\nmail2,short,Hamburg,ops\n");

        var run = await CliRunner.RunAsync("inventory", "check", path);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("line 2: warning: Name is 300 characters; the database stores its first 255 and a mark", run.Output);
        Assert.Contains("line 2: warning: Owner is 257 characters", run.Output);
        Assert.DoesNotContain("Site is", run.Output);
        Assert.DoesNotContain("line 3", run.Output);
        Assert.Contains("2 hosts to audit", run.Output);
    }

    [Fact]
    public async Task Check_NoHostColumn_ExitsTwo()
    {
        var run = await CliRunner.RunAsync("inventory", "check", CliRunner.TempFile("Server,Port\nmail1,25\n"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("no 'Host' column", run.Error);
    }

    [Fact]
    public async Task Check_MissingFile_ExitsTwo()
    {
        var run = await CliRunner.RunAsync("inventory", "check", "/no/such/inventory.csv");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("not found", run.Error);
    }
}
