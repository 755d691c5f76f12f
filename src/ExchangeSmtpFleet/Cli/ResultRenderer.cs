using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Knowledge;
using ExchangeSmtpFleet.Core.Probing;

namespace ExchangeSmtpFleet.Cli;

/// <summary>
/// Writes a result with its causes and remediation for people at a terminal, in English or German. Everything that
/// came from the network (banner, keywords, detail, the values findings name) is escaped: a server's escape sequences
/// never reach the operator's terminal.
/// </summary>
internal static class ResultRenderer
{
    public static void Write(TextWriter output, string heading, ClassificationResult result, Language language, bool withAdvice = true)
    {
        var knowledge = KnowledgeBase.BuiltIn;
        string L(Label label) => knowledge.LabelText(label, language);
        var advice = knowledge.For(result.Verdict, result.Reason, language);
        output.WriteLine(TranscriptText.Escape(heading));
        // Titles, not code names (MissingSinks, ConnectionRefused): those are for --json.
        Field(output, L(Label.Verdict), advice.Title);
        Field(output, L(Label.Reason), knowledge.ReasonTitle(result.Reason, language));
        var family = FamilyText.Family(result.Family, language);
        Field(output, L(Label.Family), string.IsNullOrEmpty(result.FamilyEvidence)
            ? family
            : $"{family} ({FamilyText.Evidence(TranscriptText.Escape(result.FamilyEvidence), language)})");
        Field(output, L(Label.Profile), result.ProfileId);
        Field(output, L(Label.Banner), result.Banner is null ? L(Label.None) : TranscriptText.Escape(result.Banner));
        if (result.Detail is not null)
        {
            Field(output, L(Label.Detail), TranscriptText.Escape(result.Detail));
        }

        if (!result.Keywords.IsDefaultOrEmpty)
        {
            Field(output, L(Label.Keywords), TranscriptText.Escape(string.Join(", ", result.Keywords)));
        }

        if (!result.PostTlsKeywords.IsDefaultOrEmpty)
        {
            Field(output, L(Label.PostTlsKeywords), TranscriptText.Escape(string.Join(", ", result.PostTlsKeywords)));
        }

        // "(none)" only when the host listed its keywords; a host that never got so far has no missing ones to tell: "-".
        Field(output, L(Label.Missing), !result.Missing.IsDefaultOrEmpty ? string.Join(", ", result.Missing)
            : result.Keywords.IsDefaultOrEmpty ? "-" : L(Label.None));
        if (!result.Unexpected.IsDefaultOrEmpty)
        {
            Field(output, L(Label.Unexpected), TranscriptText.Escape(string.Join(", ", result.Unexpected)));
        }

        foreach (var finding in result.Findings)
        {
            var safe = finding with { Arguments = [.. finding.Arguments.Select(TranscriptText.Escape)] };
            Field(output, L(Label.Finding), $"[{knowledge.SeverityName(finding.Severity, language)}] {knowledge.Describe(safe, language)}");
        }

        if (withAdvice)
        {
            WriteAdvice(output, advice, L);
        }

        output.WriteLine();
    }

    private static void WriteAdvice(TextWriter output, Advice advice, Func<Label, string> label)
    {
        output.WriteLine();
        output.WriteLine($"  {advice.Summary}");
        if (advice.Causes.Length > 0)
        {
            output.WriteLine();
            output.WriteLine($"  {label(Label.Causes)}:");
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
                output.WriteLine($"    {label(Label.Prerequisite)}: {prerequisite}");
            }

            for (var i = 0; i < procedure.Steps.Length; i++)
            {
                output.WriteLine($"    {i + 1}. {procedure.Steps[i]}");
            }

            foreach (var warning in procedure.Warnings)
            {
                output.WriteLine($"    {label(Label.Warning)}: {warning}");
            }
        }
    }

    private static void Field(TextWriter output, string label, string value) => output.WriteLine($"  {label,-16} {value}");
}
