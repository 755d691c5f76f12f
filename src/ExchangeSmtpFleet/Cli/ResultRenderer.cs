using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Knowledge;

namespace ExchangeSmtpFleet.Cli;

/// <summary>Writes a result with its causes and remediation for people at a terminal, in English or German.</summary>
internal static class ResultRenderer
{
    public static void Write(TextWriter output, string heading, ClassificationResult result, Language language, bool withAdvice = true)
    {
        var l = Labels.For(language);
        var advice = KnowledgeBase.BuiltIn.For(result.Verdict, result.Reason, language);
        output.WriteLine(heading);
        var verdict = result.Verdict.ToString();
        Field(output, l.Verdict, advice.Title == verdict ? verdict : $"{verdict} ({advice.Title})");
        Field(output, l.Reason, result.Reason.ToString());
        Field(output, l.Family, string.IsNullOrEmpty(result.FamilyEvidence) ? result.Family : $"{result.Family} ({result.FamilyEvidence})");
        Field(output, l.Profile, result.ProfileId);
        Field(output, "Banner", result.Banner ?? l.None);
        if (result.Detail is not null)
        {
            Field(output, l.Detail, result.Detail);
        }

        if (!result.Keywords.IsDefaultOrEmpty)
        {
            Field(output, l.Keywords, string.Join(", ", result.Keywords));
        }

        if (!result.PostTlsKeywords.IsDefaultOrEmpty)
        {
            Field(output, l.PostTlsKeywords, string.Join(", ", result.PostTlsKeywords));
        }

        Field(output, l.Missing, result.Missing.IsDefaultOrEmpty ? l.None : string.Join(", ", result.Missing));
        if (!result.Unexpected.IsDefaultOrEmpty)
        {
            Field(output, l.Unexpected, string.Join(", ", result.Unexpected));
        }

        foreach (var finding in result.Findings)
        {
            Field(output, l.Finding, $"[{finding.Severity}] {finding.Code}: {finding.Message}");
        }

        if (withAdvice)
        {
            WriteAdvice(output, advice, l);
        }

        output.WriteLine();
    }

    private static void WriteAdvice(TextWriter output, Advice advice, Labels l)
    {
        output.WriteLine();
        output.WriteLine($"  {advice.Summary}");
        if (advice.Causes.Length > 0)
        {
            output.WriteLine();
            output.WriteLine($"  {l.Causes}:");
            foreach (var cause in advice.Causes)
            {
                output.WriteLine($"    - {cause}");
            }
        }

        foreach (var procedure in advice.Procedures)
        {
            output.WriteLine();
            output.WriteLine($"  {procedure.Title}{(procedure.Reference is null ? string.Empty : $" ({procedure.Reference})")}:");
            foreach (var prerequisite in procedure.Prerequisites)
            {
                output.WriteLine($"    {l.Prerequisite}: {prerequisite}");
            }

            for (var i = 0; i < procedure.Steps.Length; i++)
            {
                output.WriteLine($"    {i + 1}. {procedure.Steps[i]}");
            }

            foreach (var warning in procedure.Warnings)
            {
                output.WriteLine($"    {l.Warning}: {warning}");
            }
        }
    }

    private static void Field(TextWriter output, string label, string value) => output.WriteLine($"  {label,-16} {value}");

    private sealed record Labels(
        string Verdict, string Reason, string Family, string Profile, string Detail, string Keywords, string PostTlsKeywords,
        string Missing, string Unexpected, string Finding, string Causes, string Prerequisite, string Warning, string None)
    {
        private static readonly Labels English = new("Verdict", "Reason", "Family", "Profile", "Detail", "Keywords", "After STARTTLS",
            "Missing", "Unexpected", "Finding", "Probable causes", "Prerequisite", "Warning", "(none)");

        private static readonly Labels German = new("Befund", "Grund", "Familie", "Profil", "Detail", "Verben", "Nach STARTTLS",
            "Fehlend", "Unerwartet", "Beobachtung", "Mögliche Ursachen", "Voraussetzung", "Warnung", "(keine)");

        public static Labels For(Language language) => language == Language.German ? German : English;
    }
}
