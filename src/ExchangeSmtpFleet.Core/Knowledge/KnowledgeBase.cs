using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Text.Json;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Probing;

namespace ExchangeSmtpFleet.Core.Knowledge;

/// <summary>
/// Probable causes and remediation for every verdict and reason, in English and German, from the seed
/// document (TechNet bb124688) and the KBs it relies on. Loaded from the embedded <c>knowledge.json</c>;
/// a reason's entry refines its verdict's (summary, causes, procedures).
/// </summary>
public sealed class KnowledgeBase
{
    private static readonly Lazy<KnowledgeBase> BuiltInBase = new(LoadBuiltIn);
    private readonly FrozenDictionary<string, JsonElement> _procedures;
    private readonly FrozenDictionary<string, JsonElement> _verdicts;
    private readonly FrozenDictionary<string, JsonElement> _reasons;
    private readonly FrozenDictionary<string, JsonElement> _findings;
    private readonly FrozenDictionary<string, JsonElement> _labels;

    private KnowledgeBase(JsonElement root)
    {
        _procedures = Section(root, "procedures");
        _verdicts = Section(root, "verdicts");
        _reasons = Section(root, "reasons");
        _findings = Section(root, "findings");
        _labels = Section(root, "labels");
        Validate();
    }

    /// <summary>The knowledge base embedded in this build.</summary>
    public static KnowledgeBase BuiltIn => BuiltInBase.Value;

    /// <summary>The message of <paramref name="finding"/> in <paramref name="language"/>; an empty value reads as "(none)".</summary>
    public string Describe(Finding finding, Language language)
    {
        ArgumentNullException.ThrowIfNull(finding);
        var template = Text(_findings[finding.Code.ToString()], language);
        if (finding.Arguments.IsDefaultOrEmpty)
        {
            return template;
        }

        var none = LabelText(Knowledge.Label.None, language);
        var values = new object[finding.Arguments.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = finding.Arguments[i].Length == 0 ? none : finding.Arguments[i];
        }

        // The values are machine text already; a template names no format, only the words of a count ({0:line|lines}).
        return Plural.Format(template, values);
    }

    /// <summary>The text of <paramref name="label"/> in <paramref name="language"/>.</summary>
    public string LabelText(Label label, Language language) => Text(_labels[label.ToString()], language);

    /// <summary>The name of <paramref name="severity"/> in <paramref name="language"/>.</summary>
    public string SeverityName(FindingSeverity severity, Language language) => LabelText(severity switch
    {
        FindingSeverity.Error => Knowledge.Label.SeverityError,
        FindingSeverity.Warning => Knowledge.Label.SeverityWarning,
        _ => Knowledge.Label.SeverityInfo,
    }, language);

    /// <summary>A verdict's title for people ("Exchange event sinks not loaded").</summary>
    /// <param name="verdict">The verdict.</param>
    /// <param name="language">The language of the title.</param>
    public string VerdictTitle(Verdict verdict, Language language) => Text(_verdicts[verdict.ToString()].GetProperty("title"), language);

    /// <summary>A reason's title for people ("connection refused"), shorter than the summary of <see cref="For"/>.</summary>
    /// <param name="reason">The reason.</param>
    /// <param name="language">The language of the title.</param>
    public string ReasonTitle(Reason reason, Language language) => Text(_reasons[reason.ToString()].GetProperty("title"), language);

    /// <summary>
    /// A note of the probe in <paramref name="language"/>. In English it is the text the transcript stores (a reason by its
    /// code, as evidence is read and searched); in another language the words are translated and a reason is its title.
    /// The values the note carries (addresses, messages of the system) stay as they are.
    /// </summary>
    /// <param name="note">The note.</param>
    /// <param name="language">The language.</param>
    public string NoteText(TranscriptNote note, Language language)
    {
        ArgumentNullException.ThrowIfNull(note);
        object[] values = note.Reason is { } reason
            ? [language == Language.English ? reason.ToString() : ReasonTitle(reason, language), .. note.Arguments]
            : [.. note.Arguments];

        // The values are machine text already; a template names no format, only the words of a count ({0:line|lines}).
        return Plural.Format(LabelText(note.Label, language), values);
    }

    /// <summary>What a verdict means for the reader, in a few words that say more than its title ("act: mail between Exchange servers fails; ...").</summary>
    /// <param name="verdict">The verdict.</param>
    /// <param name="language">The language.</param>
    public string VerdictMeaning(Verdict verdict, Language language) => Text(_verdicts[verdict.ToString()].GetProperty("meaning"), language);

    /// <summary>The advice for a verdict, refined by its reason.</summary>
    /// <param name="verdict">The verdict.</param>
    /// <param name="reason">Its reason, which may refine summary, causes and procedures.</param>
    /// <param name="language">The language of the texts.</param>
    public Advice For(Verdict verdict, Reason reason, Language language)
    {
        var verdictEntry = _verdicts[verdict.ToString()];
        _reasons.TryGetValue(reason.ToString(), out var reasonEntry);
        var hasReason = reasonEntry.ValueKind == JsonValueKind.Object;

        JsonElement Pick(string property) =>
            hasReason && reasonEntry.TryGetProperty(property, out var fromReason) ? fromReason : verdictEntry.GetProperty(property);

        var procedures = Pick("procedures").EnumerateArray()
            .Select(p => ProcedureFor(p.GetString()!, language))
            .Where(p => p.Steps.Length > 0)
            .ToImmutableArray();
        return new Advice(
            Text(verdictEntry.GetProperty("title"), language),
            Text(Pick("summary"), language),
            [.. Pick("causes").EnumerateArray().Select(c => Text(c, language))],
            procedures);
    }

    /// <summary>A named procedure (e.g. <c>load-exchange-smtp</c>) in one language.</summary>
    /// <param name="id">The procedure's id in <c>knowledge.json</c>.</param>
    /// <param name="language">The language of the texts.</param>
    public Procedure ProcedureFor(string id, Language language)
    {
        var p = _procedures[id];
        var reference = p.GetProperty("reference").GetString();
        return new Procedure(
            id,
            Text(p.GetProperty("title"), language),
            string.IsNullOrEmpty(reference) ? null : reference,
            Texts(p, "prerequisites", language),
            Texts(p, "steps", language),
            Texts(p, "warnings", language));
    }

    private static ImmutableArray<string> Texts(JsonElement entry, string property, Language language) =>
        [.. entry.GetProperty(property).EnumerateArray().Select(e => Text(e, language))];

    private static string Text(JsonElement localized, Language language) =>
        localized.GetProperty(language.ToCode()).GetString() ?? string.Empty;

    private static FrozenDictionary<string, JsonElement> Section(JsonElement root, string name) =>
        root.GetProperty(name).EnumerateObject().ToFrozenDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);

    /// <summary>Fails at load time rather than in the middle of a nightly report.</summary>
    private void Validate()
    {
        foreach (var verdict in Enum.GetValues<Verdict>())
        {
            if (!_verdicts.ContainsKey(verdict.ToString()))
            {
                throw new InvalidDataException($"knowledge base has no entry for verdict {verdict}");
            }
        }

        foreach (var code in Enum.GetValues<FindingCode>())
        {
            if (!_findings.TryGetValue(code.ToString(), out var entry))
            {
                throw new InvalidDataException($"knowledge base has no message for finding {code}");
            }

            foreach (var language in Enum.GetValues<Language>())
            {
                var template = Text(entry, language);
                var placeholders = Enumerable.Range(0, 10).Count(i => template.Contains($"{{{i}}}", StringComparison.Ordinal) || template.Contains($"{{{i}:", StringComparison.Ordinal));
                if (placeholders != FindingCatalog.ArgumentCount(code))
                {
                    throw new InvalidDataException(
                        $"knowledge base: the {language.ToCode()} message of finding {code} names {placeholders} values, the catalogue {FindingCatalog.ArgumentCount(code)}");
                }
            }
        }

        foreach (var label in Enum.GetValues<Label>())
        {
            if (!_labels.ContainsKey(label.ToString()))
            {
                throw new InvalidDataException($"knowledge base has no text for label {label}");
            }
        }

        foreach (var reason in _reasons.Keys)
        {
            if (!Enum.TryParse<Reason>(reason, out _))
            {
                throw new InvalidDataException($"knowledge base names an unknown reason '{reason}'");
            }
        }

        foreach (var reason in Enum.GetValues<Reason>())
        {
            if (!_reasons.TryGetValue(reason.ToString(), out var entry) || !entry.TryGetProperty("title", out _))
            {
                throw new InvalidDataException($"knowledge base has no title for reason {reason}");
            }
        }

        foreach (var entry in _verdicts.Values.Concat(_reasons.Values))
        {
            if (entry.TryGetProperty("procedures", out var procedures))
            {
                foreach (var id in procedures.EnumerateArray())
                {
                    if (!_procedures.ContainsKey(id.GetString() ?? string.Empty))
                    {
                        throw new InvalidDataException($"knowledge base names an unknown procedure '{id}'");
                    }
                }
            }
        }
    }

    private static KnowledgeBase LoadBuiltIn()
    {
        using var stream = typeof(KnowledgeBase).Assembly.GetManifestResourceStream("ExchangeSmtpFleet.Core.Knowledge.knowledge.json")
            ?? throw new InvalidOperationException("embedded knowledge.json is missing from the build");
        using var document = JsonDocument.Parse(stream);
        return new KnowledgeBase(document.RootElement.Clone());
    }
}
