using ExchangeSmtpFleet.Core.Inventory;
using ExchangeSmtpFleet.Core.Profiles;

namespace ExchangeSmtpFleet.Core.Tests.Inventory;

public sealed class InventoryValidatorTests
{
    private static readonly string[] Header = ["Host", "Port", "Name", "Site", "Owner", "Profile", "IgnoreVerbs", "Enabled"];

    private static InventoryReadResult Validate(IReadOnlyList<string> header, params string[][] rows) =>
        new InventoryValidator(ProfileCatalog.BuiltIn).Validate(header,
            rows.Select((r, i) => new InventoryRecord(i + 2, r, string.Join(",", r))));

    [Fact]
    public void Validate_CompleteRow_MapsEveryColumn()
    {
        var result = Validate(Header, ["mail1.corp", "2525", "MAIL1", "Berlin", "Team A", "exchange-2003", "xexch50;turn", "true"]);

        var host = Assert.Single(result.Hosts);
        Assert.Equal(("mail1.corp", 2525, "MAIL1", "Berlin", "Team A", "exchange-2003"), (host.Host, host.Port, host.Name, host.Site, host.Owner, host.Profile));
        Assert.Equal(["XEXCH50", "TURN"], host.IgnoreVerbs);
        Assert.Equal(2, host.LineNumber);
        Assert.Empty(result.Problems);
    }

    [Fact]
    public void Validate_OnlyHostColumn_UsesDefaults()
    {
        var host = Assert.Single(Validate(["host"], ["10.0.0.1"]).Hosts);

        Assert.Equal(25, host.Port);
        Assert.Equal(ProfileCatalog.DefaultProfileId, host.Profile);
        Assert.Null(host.Name);
    }

    [Fact]
    public void Validate_BadRows_ReportedWithLineNumbersOthersKept()
    {
        var result = Validate(Header,
            ["mail1", "25", "", "", "", "", "", ""],
            ["", "25", "", "", "", "", "", ""],
            ["mail3", "70000", "", "", "", "", "", ""],
            ["mail4", "25", "", "", "", "exchange-5", "", ""],
            ["MAIL1", "25", "", "", "", "", "", ""],
            ["mail6", "25", "", "", "", "", "", "maybe"],
            ["mail7", "25", "", "", "", "", "", "", "extra"],
            ["mail_8", "25", "", "", "", "", "", ""],
            ["mail9", "", "", "", "", "", "", ""]);

        Assert.Equal(["mail1", "mail9"], result.Hosts.Select(h => h.Host));
        Assert.Equal([3, 4, 5, 6, 7, 8, 9], result.Problems.Select(p => p.LineNumber));
        Assert.Contains("Host is missing", result.Problems[0].Reason);
        Assert.Contains("70000", result.Problems[1].Reason);
        Assert.Contains("unknown profile 'exchange-5'", result.Problems[2].Reason);
        Assert.Contains("duplicate of line 2", result.Problems[3].Reason);
        Assert.Contains("Enabled", result.Problems[4].Reason);
        Assert.Contains("9 fields", result.Problems[5].Reason);
        Assert.Contains("mail_8", result.Problems[6].Reason);
    }

    [Fact]
    public void Validate_EnabledFalse_SkipsRowWithoutProblem()
    {
        var result = Validate(["Host", "Enabled"], ["mail1", "false"], ["mail2", "no"], ["mail3", ""]);

        Assert.Equal(["mail3"], result.Hosts.Select(h => h.Host));
        Assert.Equal(2, result.DisabledCount);
        Assert.Empty(result.Problems);
    }

    [Fact]
    public void Validate_DisabledDuplicate_IsNotADuplicate()
    {
        var result = Validate(["Host", "Enabled"], ["mail1", "false"], ["mail1", "true"]);

        Assert.Single(result.Hosts);
        Assert.Empty(result.Problems);
    }

    [Fact]
    public void Validate_SameHostOtherPort_IsNotADuplicate()
    {
        Assert.Equal(2, Validate(["Host", "Port"], ["mail1", "25"], ["mail1", "587"]).Hosts.Length);
    }

    [Fact]
    public void Validate_UnknownColumns_AreKept()
    {
        var host = Assert.Single(Validate(["Host", "Rack", "Comment"], ["mail1", "R12", "old box"]).Hosts);

        Assert.Equal("R12", host.Extra["Rack"]);
        Assert.Equal("old box", host.Extra["comment"]);
    }

    [Fact]
    public void Validate_HeaderCaseInsensitive()
    {
        var host = Assert.Single(Validate(["HOST", "port", "ProFile"], ["mail1", "26", "iis-smtp"]).Hosts);

        Assert.Equal((26, "iis-smtp"), (host.Port, host.Profile));
    }

    [Fact]
    public void Validate_NoHostColumn_IsUnusable()
    {
        var result = Validate(["Server", "Port"], ["mail1", "25"]);

        Assert.False(result.IsUsable);
        Assert.Contains("no 'Host' column", result.FatalError);
    }

    [Fact]
    public void Validate_DuplicateHeader_IsUnusable()
    {
        var result = Validate(["Host", "Port", "host"], ["mail1", "25", "mail2"]);

        Assert.False(result.IsUsable);
        Assert.Contains("appears twice", result.FatalError);
    }

    [Fact]
    public void Validate_ReaderProblem_IsReportedAsIs()
    {
        var result = new InventoryValidator(ProfileCatalog.BuiltIn).Validate(["Host"],
            [new InventoryRecord(5, ["x"], "\"x", "malformed quoting (UnterminatedQuote)")]);

        Assert.Equal("line 5: malformed quoting (UnterminatedQuote)", Assert.Single(result.Problems).ToString());
    }

    [Fact]
    public void Validate_InvalidIgnoreVerb_IsAProblem()
    {
        var result = Validate(["Host", "IgnoreVerbs"], ["mail1", "XEXCH50;{bad}"]);

        Assert.Contains("{BAD}", Assert.Single(result.Problems).Reason);
    }
}
