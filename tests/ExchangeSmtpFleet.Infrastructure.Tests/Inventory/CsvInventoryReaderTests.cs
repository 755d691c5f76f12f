using System.Text;
using ExchangeSmtpFleet.Core.Profiles;
using ExchangeSmtpFleet.Infrastructure.Inventory;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Inventory;

public sealed class CsvInventoryReaderTests
{
    private static readonly CsvInventoryReader Reader = new(ProfileCatalog.BuiltIn);

    private static Core.Inventory.InventoryReadResult Read(string text) => Reader.Read(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Read_CommaSeparated_ReadsEveryColumn()
    {
        var result = Read("Host,Port,Name,Site,Owner,Profile,IgnoreVerbs,Enabled\nmail1.corp,25,MAIL1,Berlin,Team A,exchange-2003,XEXCH50,true\n");

        var host = Assert.Single(result.Hosts);
        Assert.Equal(("mail1.corp", 25, "Berlin", "Team A"), (host.Host, host.Port, host.Site, host.Owner));
        Assert.Equal(',', result.Separator);
        Assert.Equal("utf-8", result.Encoding);
    }

    [Fact]
    public void Read_SemicolonWithBomFromGermanExcel_IsRead()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("Host;Port;Owner;IgnoreVerbs\r\nmail1;25;Müller;\"TURN;ETRN\"\r\n")).ToArray();

        var result = Reader.Read(bytes);

        var host = Assert.Single(result.Hosts);
        Assert.Equal(';', result.Separator);
        Assert.Equal("Müller", host.Owner);
        Assert.Equal(["TURN", "ETRN"], host.IgnoreVerbs);
    }

    [Fact]
    public void Read_Windows1252Bytes_FallsBack()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var bytes = Encoding.GetEncoding(1252).GetBytes("Host;Owner;Site\nmail1;Jürgen Weiß;Köln – Süd\n");

        var result = Reader.Read(bytes);

        Assert.Equal("windows-1252", result.Encoding);
        var host = Assert.Single(result.Hosts);
        Assert.Equal("Jürgen Weiß", host.Owner);
        Assert.Equal("Köln – Süd", host.Site);
    }

    [Fact]
    public void Read_ExcelSepLine_IsHonouredAndLineNumbersKept()
    {
        var result = Read("sep=;\nHost;Port\nmail1;25\nmail2;x\n");

        Assert.Single(result.Hosts);
        Assert.Equal(4, Assert.Single(result.Problems).LineNumber);
    }

    [Fact]
    public void Read_MalformedFile_ReportsEveryBadLineAndKeepsTheRest()
    {
        const string csv = """
            Host,Port,Profile,Rack
            mail1,25,exchange-2003,R1

            mail2,abc,,R2
            ,25,,R3
            "mail4,25,,R4
            mail5,25,exchange-9,R5
            mail6,25,,R6,extra
            mail1,25,,R7
            mail8,,iis-smtp,R8
            """;

        var result = Read(csv);

        Assert.Equal(["mail1", "mail8"], result.Hosts.Select(h => h.Host));
        Assert.Equal([4, 5, 6, 7, 8, 9], result.Problems.Select(p => p.LineNumber));
        Assert.Contains("malformed quoting", result.Problems[2].Reason);
        Assert.Equal("R8", result.Hosts[1].Extra["Rack"]);
    }

    [Fact]
    public void Read_QuotedFieldsWithSeparators_AreOneField()
    {
        var host = Assert.Single(Read("Host,Name,Owner\nmail1,\"Mail, primary\",\"Doe, Jane\"\n").Hosts);

        Assert.Equal("Mail, primary", host.Name);
    }

    [Fact]
    public void Read_EmptyFile_IsUnusable()
    {
        Assert.Contains("empty", Reader.Read([]).FatalError);
        Assert.Contains("empty", Read("\r\n  \n").FatalError);
    }

    [Fact]
    public void Read_BinaryFile_IsUnusable()
    {
        var zip = new byte[] { 0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00 };

        Assert.Contains("binary", Reader.Read(zip).FatalError);
    }

    [Fact]
    public void Read_NoHostColumn_IsUnusable()
    {
        Assert.Contains("no 'Host' column", Read("Server,Port\nmail1,25\n").FatalError);
    }

    [Fact]
    public void Read_Utf16WithBom_IsRead()
    {
        var bytes = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("Host\tPort\r\nmail1\t25\r\n")).ToArray();

        var result = Reader.Read(bytes);

        Assert.Equal("mail1", Assert.Single(result.Hosts).Host);
    }

    [Fact]
    public void ReadFile_MissingFile_IsUnusableWithPath()
    {
        var path = Path.Combine(Path.GetTempPath(), "esf-no-such-" + Guid.NewGuid() + ".csv");

        Assert.Contains("not found", Reader.ReadFile(path).FatalError);
    }

    [Fact]
    public void ReadFile_SampleInventory_IsValid()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "samples", "inventory.csv");

        var result = Reader.ReadFile(path);

        Assert.True(result.IsUsable, result.FatalError);
        Assert.Empty(result.Problems);
        Assert.True(result.Hosts.Length >= 5);
        Assert.True(result.DisabledCount >= 1);
    }

    [Fact]
    public void Read_HundredThousandRows_AllReturned()
    {
        var text = new StringBuilder("Host,Port,Name,Site,Owner,Profile\n");
        for (var i = 0; i < 100_000; i++)
        {
            text.Append("mail").Append(i).Append(".corp.example,25,MAIL").Append(i).Append(",Site").Append(i % 17).Append(",Team,exchange-2003\n");
        }

        var result = Read(text.ToString());

        Assert.Equal(100_000, result.Hosts.Length);
        Assert.Equal(100_001, result.Hosts[^1].LineNumber);
    }

    /// <summary>Issue 7, defect 10: one row over the size limit costs only itself, with its line number.</summary>
    [Fact]
    public void Read_OneRowOverAMegabyte_IsABadRowAndTheOthersAreKept()
    {
        var huge = "mail2.corp," + new string('x', 1_500_000);

        var result = Read($"Host,Name\nmail1.corp,a\n{huge}\nmail3.corp,c\n");

        Assert.True(result.IsUsable, result.FatalError);
        Assert.Equal(["mail1.corp", "mail3.corp"], result.Hosts.Select(h => h.Host));
        var problem = Assert.Single(result.Problems);
        Assert.Equal(3, problem.LineNumber);
        Assert.Contains("longer than", problem.Reason, StringComparison.Ordinal);
        Assert.Equal(4, result.Hosts[1].LineNumber);
        Assert.Equal(3, result.RowCount);
    }

    [Fact]
    public void Read_HeaderOverAMegabyte_IsUnusable()
    {
        var result = Read("Host," + new string('x', 1_500_000) + "\nmail1.corp,a\n");

        Assert.False(result.IsUsable);
        Assert.Contains("header row is longer than", result.FatalError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0xEF, 0xBB, 0xBF })]
    [InlineData(new byte[] { 0xFF, 0xFE })]
    [InlineData(new byte[] { 0xEF, 0xBB, 0xBF, 0x0D, 0x0A })]
    public void Read_OnlyAByteOrderMark_IsEmpty(byte[] bytes)
    {
        var result = Reader.Read(bytes);

        Assert.Contains("the file is empty", result.FatalError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[::1]:2526")]
    [InlineData("mail1.corp:2525")]
    public void Read_PortInTheHostColumn_IsABadRow(string host)
    {
        var result = Read($"Host,Port\n{host},25\n");

        Assert.Empty(result.Hosts);
        Assert.Contains("Port column", Assert.Single(result.Problems).Reason, StringComparison.Ordinal);
    }

    /// <summary>Issue 18, item 16: the early refusal of binary files must not take UTF-16 (a NUL in every other byte) for one.</summary>
    [Fact]
    public void ReadFile_Utf16WithBom_LongerThanTheFirstBlock_IsRead()
    {
        var path = Path.Combine(Path.GetTempPath(), $"esf-test-{Guid.NewGuid():N}.csv");
        var text = "Host,Port\r\n" + string.Concat(Enumerable.Range(0, 5_000).Select(i => $"mail{i}.corp.example,25\r\n"));
        File.WriteAllBytes(path, [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(text)]);

        var result = Reader.ReadFile(path);

        Assert.True(result.IsUsable, result.FatalError);
        Assert.Equal(5_000, result.Hosts.Length);
        Assert.Equal("utf-16", result.Encoding);
    }

    [Fact]
    public void ReadFile_ANulInTheFirstBlock_IsBinary()
    {
        var path = Path.Combine(Path.GetTempPath(), $"esf-test-{Guid.NewGuid():N}.csv");
        File.WriteAllBytes(path, [.. Encoding.UTF8.GetBytes("Host\nmail1\n"), 0, .. Encoding.UTF8.GetBytes("\nmail2\n")]);

        var result = Reader.ReadFile(path);

        Assert.Equal("the file is binary (NUL byte at offset 11), not a CSV inventory", result.FatalError);
    }
}
