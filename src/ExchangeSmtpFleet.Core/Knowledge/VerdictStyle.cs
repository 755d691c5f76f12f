using ExchangeSmtpFleet.Core.Classification;

namespace ExchangeSmtpFleet.Core.Knowledge;

/// <summary>
/// How a verdict looks and what it asks of people, the same wherever it appears (workbook cells and charts, the mail, the
/// dashboard): healthy green; missing sinks red and metabase amber (an Exchange server needs action); could not be
/// checked grey (unreachable, refused, not SMTP); another server than expected blue.
/// </summary>
public static class VerdictStyle
{
    /// <summary>The verdict's strong colour (chart series, text, badges) as <c>RRGGBB</c>.</summary>
    /// <param name="verdict">The verdict.</param>
    public static string Color(Verdict verdict) => verdict switch
    {
        Verdict.Healthy => "2E7D32",
        Verdict.MissingSinks => "C62828",
        Verdict.SuspectedMetabaseCorruption => "EF8F00",
        Verdict.UnexpectedServer => "3F6FB5",
        Verdict.Rejected => "8C8C8C",
        Verdict.ProtocolError => "5F5F5F",
        _ => "B4B4B4",
    };

    /// <summary>The verdict's light colour (cell backgrounds, readable with black text) as <c>RRGGBB</c>.</summary>
    /// <param name="verdict">The verdict.</param>
    public static string Fill(Verdict verdict) => verdict switch
    {
        Verdict.Healthy => "C8E6C9",
        Verdict.MissingSinks => "F8C4C4",
        Verdict.SuspectedMetabaseCorruption => "FFE0A8",
        Verdict.UnexpectedServer => "D3E0F3",
        _ => "E3E3E3",
    };

    /// <summary>
    /// A group's colour as <c>RRGGBB</c>, dark enough for white text (dashboard tiles): needs action red, could not be
    /// checked grey, other servers blue, healthy green.
    /// </summary>
    /// <param name="group">The group.</param>
    public static string GroupColor(VerdictGroup group) => group switch
    {
        VerdictGroup.NeedsAction => Color(Verdict.MissingSinks),
        VerdictGroup.Other => Color(Verdict.UnexpectedServer),
        VerdictGroup.Healthy => Color(Verdict.Healthy),
        _ => "6B6B6B",
    };
}
