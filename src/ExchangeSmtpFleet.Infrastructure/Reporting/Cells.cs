using ClosedXML.Excel;

namespace ExchangeSmtpFleet.Infrastructure.Reporting;

/// <summary>How the sheets ClosedXML writes put text and headers into cells: from outside, so always inert text.</summary>
internal static class Cells
{
    /// <summary>Text that came from the network, an inventory or the knowledge base: a string cell, never a formula.</summary>
    public static IXLCell Put(IXLCell cell, string? text, string cutMark)
    {
        var clean = CellText.Clean(text, cutMark);
        cell.SetValue(clean);
        if (CellText.LooksLikeFormula(clean))
        {
            // Stored as text already; the quote prefix keeps it text when someone edits the cell in Excel.
            cell.Style.IncludeQuotePrefix = true;
        }

        return cell;
    }

    /// <summary>A header row: cleaned like every cell from outside (a keyword is a header in the matrix), bold, top-aligned, wrapped.</summary>
    public static void Header(IXLWorksheet ws, int row, IReadOnlyList<string> names, string cutMark)
    {
        for (var i = 0; i < names.Count; i++)
        {
            Put(ws.Cell(row, i + 1), names[i], cutMark);
        }

        var style = ws.Range(row, 1, row, Math.Max(1, names.Count)).Style;
        style.Font.Bold = true;
        style.Alignment.Vertical = XLAlignmentVerticalValues.Top;
        style.Alignment.WrapText = true;
    }

    /// <summary>Makes a row tall enough for its wrapped cells (columns of the given widths, from column 1).</summary>
    public static void FitRow(IXLWorksheet ws, int row, IReadOnlyList<int> widths, int firstColumn = 1)
    {
        var lines = 1;
        for (var i = 0; i < widths.Count; i++)
        {
            var text = ws.Cell(row, firstColumn + i).GetString();
            if (text.Length > 0)
            {
                lines = Math.Max(lines, StreamedRows.WrapLines(text, widths[i]));
            }
        }

        if (lines > 1)
        {
            ws.Row(row).Height = (lines * StreamedRows.LineHeight) + 2;
        }
    }

    /// <summary>An internal link's target: <c>'Sheet'!A5</c>.</summary>
    public static string Location(IXLCell cell) =>
        $"'{cell.Worksheet.Name.Replace("'", "''", StringComparison.Ordinal)}'!{cell.Address.ToStringRelative(includeSheet: false)}";
}
