using System.Globalization;
using ClosedXML.Excel;
using ExchangeSmtpFleet.Core.Knowledge;

namespace ExchangeSmtpFleet.Infrastructure.Reporting;

/// <summary>
/// The one place that decides how the workbook and the mail write numbers, dates and paper for people in one language:
/// German <c>1.234</c>, <c>06.12.2026 02:00</c> and A4; English <c>1,234</c>, <c>2026-12-06 02:00</c> (ISO: unambiguous on
/// both sides of the Atlantic) and US Letter (en-US). Machine output stays invariant.
/// </summary>
internal sealed class ReportFormats
{
    private ReportFormats(Language language)
    {
        Language = language;
        Culture = LanguageCodes.CultureOf(language);
        var german = language == Language.German;
        DateFormat = german ? "dd.MM.yyyy" : "yyyy-MM-dd";
        DateTimeFormat = german ? "dd.MM.yyyy HH:mm" : "yyyy-MM-dd HH:mm";

        // Letter where the culture is the United States' (or Canada's), A4 everywhere else.
        Paper = Culture.Name is "en-US" or "en-CA" or "fr-CA" ? XLPaperSize.LetterPaper : XLPaperSize.A4Paper;
    }

    /// <summary>The language of the texts.</summary>
    public Language Language { get; }

    /// <summary>The culture of numbers and dates people read.</summary>
    public CultureInfo Culture { get; }

    /// <summary>A date, as text and as a cell's number format.</summary>
    public string DateFormat { get; }

    /// <summary>A date and time (minutes), as text and as a cell's number format.</summary>
    public string DateTimeFormat { get; }

    /// <summary>The paper the sheets print on.</summary>
    public XLPaperSize Paper { get; }

    /// <summary>The formats of <paramref name="language"/>.</summary>
    public static ReportFormats For(Language language) => language == Language.German ? German : English;

    /// <summary>A count: <c>1.234</c> in German.</summary>
    public string Number(long value) => value.ToString("N0", Culture);

    /// <summary>A day in UTC: <c>06.12.2026</c>.</summary>
    public string Date(DateTimeOffset value) => value.UtcDateTime.ToString(DateFormat, Culture);

    /// <summary>A time in UTC to the minute: <c>06.12.2026 02:00</c>.</summary>
    public string DateTime(DateTimeOffset value) => value.UtcDateTime.ToString(DateTimeFormat, Culture);

    /// <summary>A text template of the knowledge base with its values (<c>{0}</c>, <c>{1}</c>) in this culture.</summary>
    public string Format(string template, params object[] values) => string.Format(Culture, template, values);

    private static readonly ReportFormats English = new(Language.English);

    private static readonly ReportFormats German = new(Language.German);
}
