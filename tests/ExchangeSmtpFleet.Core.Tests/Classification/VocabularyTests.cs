using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Knowledge;

namespace ExchangeSmtpFleet.Core.Tests.Classification;

/// <summary>The stored vocabulary: names and values never change, and every code can be described in both languages.</summary>
public sealed class VocabularyTests
{
    public static TheoryData<FindingCode> FindingCodes() => [.. Enum.GetValues<FindingCode>()];

    [Fact]
    public void Verdict_Values_ArePinned()
    {
        Assert.Equal(
            ["Healthy=0", "MissingSinks=1", "SuspectedMetabaseCorruption=2", "UnexpectedServer=3", "Rejected=4", "ProtocolError=5", "Unreachable=6"],
            Enum.GetValues<Verdict>().Select(v => $"{v}={(int)v}"));
    }

    [Fact]
    public void Reason_Values_AreAHundredPerVerdict()
    {
        foreach (var reason in Enum.GetValues<Reason>())
        {
            Assert.Equal((int)ReasonVerdicts.VerdictOf(reason), (int)reason / 100);
        }

        Assert.Equal(0, (int)Reason.ProfileSatisfied);
        Assert.Equal(100, (int)Reason.ExchangeKeywordsAbsent);
        Assert.Equal(607, (int)Reason.DeadlineExceeded);
    }

    [Fact]
    public void RunStatus_Values_ArePinned()
    {
        Assert.Equal(["Running=0", "Completed=1", "Interrupted=2", "Failed=3"], Enum.GetValues<AuditRunStatus>().Select(v => $"{v}={(int)v}"));
    }

    [Theory]
    [MemberData(nameof(FindingCodes))]
    public void Finding_EveryCode_IsDescribedInEnglishAndGermanWithItsValues(FindingCode code)
    {
        var values = Enumerable.Range(0, FindingCatalog.ArgumentCount(code)).Select(i => $"<value{i}>").ToArray();
        var finding = Finding.Of(code, values);

        var english = KnowledgeBase.BuiltIn.Describe(finding, Language.English);
        var german = KnowledgeBase.BuiltIn.Describe(finding, Language.German);

        Assert.All(values, v => Assert.Contains(v, english, StringComparison.Ordinal));
        Assert.All(values, v => Assert.Contains(v, german, StringComparison.Ordinal));
        Assert.Equal(english, finding.Message);
        Assert.Equal(FindingCatalog.SeverityOf(code), finding.Severity);
    }

    [Fact]
    public void Finding_WrongNumberOfValues_IsAProgrammingError()
    {
        Assert.Throws<ArgumentException>(() => Finding.Of(FindingCode.SlowGreeting));
        Assert.Throws<ArgumentException>(() => Finding.Of(FindingCode.StartTlsAfterTls, "extra"));
    }

    [Fact]
    public void Finding_EmptyValue_ReadsAsNoneInTheLanguage()
    {
        var finding = Finding.Of(FindingCode.PostTlsKeywordsDiffer, "SIZE", string.Empty);

        Assert.Equal("after STARTTLS: added SIZE; dropped (none)", finding.Message);
        Assert.Equal("nach STARTTLS: hinzugekommen SIZE; weggefallen (keine)", KnowledgeBase.BuiltIn.Describe(finding, Language.German));
    }

    [Fact]
    public void Labels_EveryLabel_HasBothLanguages()
    {
        foreach (var label in Enum.GetValues<Label>())
        {
            Assert.False(string.IsNullOrWhiteSpace(KnowledgeBase.BuiltIn.LabelText(label, Language.English)));
            Assert.False(string.IsNullOrWhiteSpace(KnowledgeBase.BuiltIn.LabelText(label, Language.German)));
        }

        Assert.Equal("Mögliche Ursachen", KnowledgeBase.BuiltIn.LabelText(Label.Causes, Language.German));
    }
}
