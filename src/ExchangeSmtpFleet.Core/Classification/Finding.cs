using System.Collections.Immutable;
using ExchangeSmtpFleet.Core.Knowledge;

namespace ExchangeSmtpFleet.Core.Classification;

/// <summary>A secondary observation that does not change the verdict (SPEC 3).</summary>
/// <param name="Code">Stable machine code from the catalogue.</param>
/// <param name="Severity">How much it matters (fixed per code: <see cref="FindingCatalog.SeverityOf"/>).</param>
/// <param name="Arguments">The values the message names, as machine text (invariant numbers, ISO dates, evidence verbatim),
/// so that a stored finding can be described again in any language.</param>
public sealed record Finding(FindingCode Code, FindingSeverity Severity, ImmutableArray<string> Arguments)
{
    /// <summary>The message in English (JSON Lines, logs).</summary>
    public string Message => KnowledgeBase.BuiltIn.Describe(this, Language.English);

    /// <summary>A finding with its catalogue severity.</summary>
    /// <param name="code">What was observed.</param>
    /// <param name="arguments">Exactly <see cref="FindingCatalog.ArgumentCount"/> values for the message.</param>
    public static Finding Of(FindingCode code, params ReadOnlySpan<string> arguments)
    {
        if (arguments.Length != FindingCatalog.ArgumentCount(code))
        {
            throw new ArgumentException($"{code} takes {FindingCatalog.ArgumentCount(code)} arguments, not {arguments.Length}", nameof(arguments));
        }

        return new Finding(code, FindingCatalog.SeverityOf(code), [.. arguments]);
    }
}
