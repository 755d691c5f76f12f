using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Knowledge;

namespace ExchangeSmtpFleet.Core.Tests.Knowledge;

public sealed class KnowledgeBaseTests
{
    public static TheoryData<Reason, Language> EveryReasonAndLanguage()
    {
        var data = new TheoryData<Reason, Language>();
        foreach (var reason in Enum.GetValues<Reason>())
        {
            foreach (var language in Enum.GetValues<Language>())
            {
                data.Add(reason, language);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryReasonAndLanguage))]
    public void For_EveryReasonAndLanguage_HasTitleAndSummary(Reason reason, Language language)
    {
        var advice = KnowledgeBase.BuiltIn.For(ReasonVerdicts.VerdictOf(reason), reason, language);

        Assert.False(string.IsNullOrWhiteSpace(advice.Title));
        Assert.False(string.IsNullOrWhiteSpace(advice.Summary));
        if (ReasonVerdicts.VerdictOf(reason) != Verdict.Healthy)
        {
            Assert.NotEmpty(advice.Procedures);
        }
    }

    /// <summary>Issue 20: the summary's meaning column says something the verdict's name does not ("Healthy 9 Healthy" said nothing).</summary>
    [Theory]
    [InlineData(Language.English)]
    [InlineData(Language.German)]
    public void VerdictMeaning_EveryVerdict_SaysMoreThanItsTitle(Language language)
    {
        foreach (var verdict in Enum.GetValues<Verdict>())
        {
            var meaning = KnowledgeBase.BuiltIn.VerdictMeaning(verdict, language);
            Assert.False(string.IsNullOrWhiteSpace(meaning));
            Assert.NotEqual(KnowledgeBase.BuiltIn.VerdictTitle(verdict, language), meaning, StringComparer.OrdinalIgnoreCase);
            Assert.NotEqual(verdict.ToString(), meaning, StringComparer.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void For_MissingSinks_EndsWithTheSeedProcedureInOrder()
    {
        var advice = KnowledgeBase.BuiltIn.For(Verdict.MissingSinks, Reason.ExchangeKeywordsAbsent, Language.English);

        var procedure = advice.Procedures[^1];
        Assert.Equal("load-exchange-smtp", procedure.Id);
        Assert.StartsWith("Uninstall IIS", procedure.Steps[0]);
        Assert.Contains("metabase.bin", procedure.Steps[1]);
        Assert.StartsWith("Restart", procedure.Steps[2]);
        Assert.Contains("Windows 2000 service pack", procedure.Steps[4]);
        Assert.StartsWith("Reinstall Exchange", procedure.Steps[5]);
        Assert.Contains(procedure.Prerequisites, p => p.Contains("Administrators"));
        Assert.Contains(procedure.Warnings, w => w.Contains("Outlook Web Access"));
    }

    [Fact]
    public void For_MissingSinksInGerman_UsesTheSeedWording()
    {
        var advice = KnowledgeBase.BuiltIn.For(Verdict.MissingSinks, Reason.ExchangeKeywordsAbsent, Language.German);

        var procedure = advice.Procedures[^1];
        Assert.Equal("Deinstallieren Sie IIS.", procedure.Steps[0]);
        Assert.Contains(procedure.Prerequisites, p => p.Contains("lokalen Administratorgruppe"));
    }

    [Fact]
    public void For_Corruption_ListsEveryCauseOfTheSeed()
    {
        var causes = KnowledgeBase.BuiltIn.For(Verdict.SuspectedMetabaseCorruption, Reason.KeywordListIncomplete, Language.English).Causes;

        Assert.Contains(causes, c => c.Contains("metabase.bin"));
        Assert.Contains(causes, c => c.Contains("IIsadmin.exe"));
        Assert.Contains(causes, c => c.Contains("hardware"));
        Assert.Contains(causes, c => c.Contains("proxy"));
    }

    [Fact]
    public void For_ReasonWithOwnSummary_RefinesVerdictSummary()
    {
        var general = KnowledgeBase.BuiltIn.For(Verdict.UnexpectedServer, Reason.UnexpectedFamily, Language.English);
        var masked = KnowledgeBase.BuiltIn.For(Verdict.UnexpectedServer, Reason.MaskedByFirewall, Language.English);

        Assert.NotEqual(general.Summary, masked.Summary);
        Assert.Contains("PIX", masked.Summary);
    }
}
