using System.Text.RegularExpressions;
using ClosedXML.Excel;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace ExchangeSmtpFleet.Infrastructure.Reporting;

/// <summary>
/// How every sheet prints (issue 19): landscape, A4 or Letter by the report's culture, fitted to the page width (a wide
/// sheet to as many pages wide as it needs, its host column repeated on each), the header row repeated on every page, and
/// a footer with the run, the sheet and "page N of M".
/// </summary>
internal static partial class PrintSetup
{
    /// <summary>Sets up one sheet.</summary>
    /// <param name="ws">The sheet.</param>
    /// <param name="formats">Paper by culture.</param>
    /// <param name="runId">The run, in the footer.</param>
    /// <param name="pageOf">"Page {0} of {1}" in the report's language.</param>
    /// <param name="headerRow">Repeat row 1 on every page.</param>
    /// <param name="pagesWide">Pages across (1: fitted to the width).</param>
    /// <param name="printArea">What prints (e.g. <c>A1:G40</c>); null: the used range.</param>
    public static void Apply(IXLWorksheet ws, ReportFormats formats, string runId, string pageOf, bool headerRow, int pagesWide = 1, string? printArea = null)
    {
        var page = ws.PageSetup;
        page.PageOrientation = XLPageOrientation.Landscape;
        page.PaperSize = formats.Paper;
        page.FitToPages(Math.Max(1, pagesWide), 0);
        page.Margins.Left = page.Margins.Right = 0.4;
        page.Margins.Top = 0.5;
        page.Margins.Bottom = 0.6;
        page.Margins.Header = 0.2;
        page.Margins.Footer = 0.25;
        if (headerRow)
        {
            page.SetRowsToRepeatAtTop(1, 1);
        }

        if (pagesWide > 1)
        {
            // Every page across shows whose row it is.
            page.SetColumnsToRepeatAtLeft(1, 1);
        }

        if (printArea is not null)
        {
            page.PrintAreas.Clear();
            page.PrintAreas.Add(printArea);
        }

        // "&" starts a code in a header or footer; a literal one is doubled.
        var footer = page.Footer;
        footer.Left.AddText(runId.Replace("&", "&&", StringComparison.Ordinal), XLHFOccurrence.AllPages);
        footer.Center.AddText(XLHFPredefinedText.SheetName, XLHFOccurrence.AllPages);
        footer.Right.AddText(string.Format(formats.Culture, pageOf.Replace("&", "&&", StringComparison.Ordinal), "&P", "&N"), XLHFOccurrence.AllPages);
    }

    /// <summary>
    /// Writes the saved workbook's print titles as absolute references (<c>'Sheet'!$1:$1</c>): ClosedXML writes <c>1:1</c>,
    /// which Excel reads but LibreOffice ignores, printing every page after the first without its header row.
    /// </summary>
    /// <param name="path">The saved workbook.</param>
    public static void AbsoluteTitles(string path)
    {
        using var document = SpreadsheetDocument.Open(path, isEditable: true);
        var workbook = document.WorkbookPart!.Workbook;
        foreach (var name in workbook.DefinedNames?.Elements<DefinedName>().Where(n => n.Name == "_xlnm.Print_Titles") ?? [])
        {
            name.Text = RelativeRange().Replace(name.Text, m => $"!${m.Groups[1].Value}:${m.Groups[2].Value}");
        }

        workbook.Save();
    }

    /// <summary>A whole-rows or whole-columns range after a sheet name, without <c>$</c>: <c>!1:1</c>, <c>!A:A</c>.</summary>
    [GeneratedRegex(@"!([0-9]+|[A-Z]+):([0-9]+|[A-Z]+)(?=,|$)")]
    private static partial Regex RelativeRange();
}
