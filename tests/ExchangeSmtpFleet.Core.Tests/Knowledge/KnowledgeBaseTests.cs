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

    /// <summary>Issue 20: the terminal names a reason in words, not by its code (ConnectionRefused).</summary>
    [Theory]
    [MemberData(nameof(EveryReasonAndLanguage))]
    public void ReasonTitle_EveryReasonAndLanguage_IsWordsNotTheCode(Reason reason, Language language)
    {
        var title = KnowledgeBase.BuiltIn.ReasonTitle(reason, language);

        Assert.False(string.IsNullOrWhiteSpace(title));
        Assert.NotEqual(reason.ToString(), title, StringComparer.OrdinalIgnoreCase);
        Assert.Contains(" ", title, StringComparison.Ordinal);
    }

    /// <summary>
    /// Issue 20: causes fit what was seen. Once a connection was accepted the name resolved and the port is open: no cause
    /// may blame name resolution or a closed port, no step may send the admin to nslookup.
    /// </summary>
    [Theory]
    [InlineData(Reason.GreetingTimeout)]
    [InlineData(Reason.ReplyTimeout)]
    [InlineData(Reason.ConnectionClosed)]
    public void For_ConnectionWasAccepted_NoCauseAboutNameResolution(Reason reason)
    {
        var english = KnowledgeBase.BuiltIn.For(Verdict.Unreachable, reason, Language.English);
        var german = KnowledgeBase.BuiltIn.For(Verdict.Unreachable, reason, Language.German);

        Assert.NotEmpty(english.Causes);
        Assert.DoesNotContain(english.Causes, c => c.Contains("resolves", StringComparison.Ordinal) || c.Contains("port 25", StringComparison.Ordinal));
        Assert.DoesNotContain(german.Causes, c => c.Contains("aufgelöst", StringComparison.Ordinal));
        Assert.DoesNotContain(english.Procedures.SelectMany(p => p.Steps), s => s.Contains("nslookup", StringComparison.Ordinal));
    }

    /// <summary>A refused connection reached an address: the name resolved, so "no longer resolves" does not fit; a wrong one may.</summary>
    [Fact]
    public void For_ConnectionRefused_NamesAStoppedServiceNotAFailedLookup()
    {
        var causes = KnowledgeBase.BuiltIn.For(Verdict.Unreachable, Reason.ConnectionRefused, Language.English).Causes;

        Assert.Contains(causes, c => c.Contains("stopped", StringComparison.Ordinal));
        Assert.DoesNotContain(causes, c => c.Contains("no longer resolves", StringComparison.Ordinal));
    }
}
