using System.Globalization;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Knowledge;
using ExchangeSmtpFleet.Core.Profiles;

namespace ExchangeSmtpFleet.Core.Tests.Knowledge;

/// <summary>Culture data is available (no invariant globalization): the German report needs de-DE formats and IANA time zones.</summary>
public sealed class GlobalizationTests
{
    [Fact]
    public void German_FormatsNumbersAndDatesTheGermanWay()
    {
        var culture = LanguageCodes.CultureOf(Language.German);

        Assert.Equal("de-DE", culture.Name);
        Assert.Equal("1.234,5", 1234.5.ToString("N1", culture));
        Assert.Equal("30.11.2026", new DateTime(2026, 11, 30).ToString("d", culture));
        Assert.Equal("Montag", new DateTime(2026, 11, 30).ToString("dddd", culture));
    }

    [Fact]
    public void English_FormatsNumbersTheEnglishWay()
    {
        Assert.Equal("1,234.5", 1234.5.ToString("N1", LanguageCodes.CultureOf(Language.English)));
    }

    [Fact]
    public void TimeZones_IanaIdsResolveWithDaylightSaving()
    {
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

        Assert.Equal(TimeSpan.FromHours(1), berlin.GetUtcOffset(new DateTime(2026, 11, 30, 2, 0, 0, DateTimeKind.Utc)));
        Assert.Equal(TimeSpan.FromHours(2), berlin.GetUtcOffset(new DateTime(2026, 7, 1, 2, 0, 0, DateTimeKind.Utc)));
    }

    [Fact]
    public void MachineText_StaysInvariantWhateverTheCurrentCulture()
    {
        var before = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            var observation = ObservationBuilder.Ex2003().Build() with { GreetingTime = TimeSpan.FromSeconds(12.5) };

            var result = new Classifier(ProfileCatalog.BuiltIn).Classify(observation, ClassificationContext.Default(DateTimeOffset.UnixEpoch));

            var slow = Assert.Single(result.Findings, f => f.Code == FindingCode.SlowGreeting);
            Assert.Equal(["12.5"], slow.Arguments);
            Assert.Equal("greeting took 12.5 s", slow.Message);
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }
    }
}
