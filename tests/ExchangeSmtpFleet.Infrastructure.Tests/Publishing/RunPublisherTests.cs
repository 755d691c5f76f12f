using ExchangeSmtpFleet.Core.Knowledge;
using ExchangeSmtpFleet.Infrastructure.Publishing;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Publishing;

/// <summary>Issue 20, item 5: a workbook is named by run and language; the dashboard's download finds the one there is.</summary>
public sealed class RunPublisherTests
{
    private const string RunId = "audit-20261206T020000Z-j1";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"esf-publisher-{Guid.NewGuid():N}");

    private RunPublisher Publisher(Language language) => new(null!, null, _folder, language);

    private string Write(string name)
    {
        Directory.CreateDirectory(_folder);
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, "workbook");
        return path;
    }

    [Fact]
    public void DefaultPath_NamesRunAndLanguage()
    {
        Assert.Equal(Path.Combine(_folder, $"{RunId}.en.xlsx"), Publisher(Language.English).DefaultPath(RunId));
        Assert.Equal(Path.Combine(_folder, $"{RunId}.de.xlsx"), Publisher(Language.German).DefaultPath(RunId));
    }

    [Fact]
    public void FindReport_PrefersTheConfiguredLanguage()
    {
        Write($"{RunId}.en.xlsx");
        var german = Write($"{RunId}.de.xlsx");
        Write($"{RunId}.xlsx");

        Assert.Equal(german, Publisher(Language.German).FindReport(RunId));
    }

    [Fact]
    public void FindReport_WorkbookWrittenBeforeLanguageNames_IsFound()
    {
        var old = Write($"{RunId}.xlsx");

        Assert.Equal(old, Publisher(Language.English).FindReport(RunId));
    }

    [Fact]
    public void FindReport_OnlyAnotherLanguage_IsFound_NoneIsNull()
    {
        Assert.Null(Publisher(Language.English).FindReport(RunId));

        var german = Write($"{RunId}.de.xlsx");

        Assert.Equal(german, Publisher(Language.English).FindReport(RunId));
        Assert.Null(Publisher(Language.English).FindReport("audit-20261207T020000Z-j2"));
    }
}
