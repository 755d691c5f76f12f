using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace ExchangeSmtpFleet.Infrastructure.Reporting;

/// <summary>
/// Writes the rows of a large sheet with the Open XML SDK's streaming writer after ClosedXML has saved the workbook:
/// ClosedXML 0.95 keeps every cell of a workbook in memory (about 600 bytes each), which for the raw results of 10,000
/// hosts was 180 MB of the report's peak. ClosedXML writes the sheet's header, table (sized for every row), widths and
/// frozen pane; this writes the data rows below the header, one at a time, as inline strings (text is never a formula),
/// numbers and dates.
/// </summary>
internal static class StreamedRows
{
    /// <summary>Writes the rows below the header of each sheet.</summary>
    /// <param name="path">The saved workbook.</param>
    /// <param name="dateFormat">The number format of date cells.</param>
    /// <param name="cutMark">Appended to text cut at the cell limit.</param>
    /// <param name="sheets">Each sheet (ClosedXML wrote its header row and nothing below it) with its rows' values: null
    /// (empty), string, int, double, or DateTime (UTC).</param>
    /// <param name="cancellationToken">Stops reading the rows.</param>
    public static async Task WriteAsync(
        string path, string dateFormat, string cutMark, IReadOnlyList<(string Sheet, IAsyncEnumerable<object?[]> Rows)> sheets, CancellationToken cancellationToken)
    {
        using var document = SpreadsheetDocument.Open(path, isEditable: true);
        var workbookPart = document.WorkbookPart!;
        var (dateStyle, quoteStyle) = AddStyles(workbookPart.WorkbookStylesPart!.Stylesheet, dateFormat);
        foreach (var (sheetName, rows) in sheets)
        {
            var sheet = workbookPart.Workbook.Sheets!.Elements<Sheet>().Single(s => s.Name == sheetName);
            await WriteSheetAsync((WorksheetPart)workbookPart.GetPartById(sheet.Id!), rows, dateStyle, quoteStyle, cutMark, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task WriteSheetAsync(
        WorksheetPart part, IAsyncEnumerable<object?[]> rows, uint dateStyle, uint quoteStyle, string cutMark, CancellationToken cancellationToken)
    {
        // The sheet as ClosedXML wrote it is small (a header row): read it whole, without attaching it to the part, whose
        // content is then written anew.
        Worksheet original;
        using (var reader = OpenXmlReader.Create(part))
        {
            while (reader.Read() && reader.ElementType != typeof(Worksheet))
            {
            }

            original = (Worksheet)reader.LoadCurrentElement()!;
        }

        using var output = part.GetStream(FileMode.Create, FileAccess.Write);
        using var writer = OpenXmlWriter.Create(output);
        writer.WriteStartDocument();
        writer.WriteStartElement(new Worksheet(), original.GetAttributes(), original.NamespaceDeclarations);
        var written = 1;
        foreach (var child in original.ChildElements)
        {
            if (child is Dimension)
            {
                // What ClosedXML found (the header) is not the sheet's extent any more; the element is optional.
                continue;
            }

            if (child is not SheetData data)
            {
                writer.WriteElement(child);
                continue;
            }

            writer.WriteStartElement(new SheetData());
            foreach (var header in data.Elements<Row>().Where(r => r.RowIndex is null || r.RowIndex.Value == 1))
            {
                writer.WriteElement(header);
            }

            await foreach (var values in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                written++;
                WriteRow(writer, (uint)written, values, dateStyle, quoteStyle, cutMark);
            }

            writer.WriteEndElement();
        }

        writer.WriteEndElement();
        writer.Close();
    }

    private static void WriteRow(OpenXmlWriter writer, uint index, object?[] values, uint dateStyle, uint quoteStyle, string cutMark)
    {
        writer.WriteStartElement(new Row { RowIndex = index });
        for (var i = 0; i < values.Length; i++)
        {
            var reference = string.Create(CultureInfo.InvariantCulture, $"{ColumnName(i + 1)}{index}");
            switch (values[i])
            {
                case null:
                    break;
                case DateTime time:
                    writer.WriteElement(new Cell { CellReference = reference, StyleIndex = dateStyle, CellValue = new CellValue(time.ToOADate().ToString("R", CultureInfo.InvariantCulture)) });
                    break;
                case int number:
                    writer.WriteElement(new Cell { CellReference = reference, CellValue = new CellValue(number.ToString(CultureInfo.InvariantCulture)) });
                    break;
                case double number:
                    writer.WriteElement(new Cell { CellReference = reference, CellValue = new CellValue(number.ToString("R", CultureInfo.InvariantCulture)) });
                    break;
                case string text when text.Length > 0:
                    var clean = CellText.Clean(text, cutMark);
                    var cell = new Cell(new InlineString(new Text(clean) { Space = SpaceProcessingModeValues.Preserve }))
                    {
                        CellReference = reference,
                        DataType = CellValues.InlineString,
                    };
                    if (CellText.LooksLikeFormula(clean))
                    {
                        // Text already; the quote prefix keeps it text when someone edits the cell in Excel.
                        cell.StyleIndex = quoteStyle;
                    }

                    writer.WriteElement(cell);
                    break;
                case string:
                    break;
                default:
                    throw new ArgumentException($"a cell value of type {values[i]!.GetType().Name} is not written", nameof(values));
            }
        }

        writer.WriteEndElement();
    }

    /// <summary>Adds a date format and a quote-prefixed text format to the stylesheet; returns their indexes.</summary>
    private static (uint Date, uint Quote) AddStyles(Stylesheet styles, string dateFormat)
    {
        // The typed property puts numFmts where the schema wants it (first).
        var formats = styles.NumberingFormats ??= new NumberingFormats();
        var formatId = Math.Max(164U, formats.Elements<NumberingFormat>().Select(f => f.NumberFormatId?.Value ?? 0U).DefaultIfEmpty(0U).Max() + 1);
        formats.Append(new NumberingFormat { NumberFormatId = formatId, FormatCode = dateFormat });
        formats.Count = (uint)formats.ChildElements.Count;

        var cellFormats = styles.CellFormats!;
        var date = (uint)cellFormats.ChildElements.Count;
        cellFormats.Append(new CellFormat { NumberFormatId = formatId, ApplyNumberFormat = true, FontId = 0, FillId = 0, BorderId = 0, FormatId = 0 });
        cellFormats.Append(new CellFormat { NumberFormatId = 0, FontId = 0, FillId = 0, BorderId = 0, FormatId = 0, QuotePrefix = true });
        cellFormats.Count = (uint)cellFormats.ChildElements.Count;
        return (date, date + 1);
    }

    private static string ColumnName(int column)
    {
        var name = string.Empty;
        for (; column > 0; column = (column - 1) / 26)
        {
            name = (char)('A' + ((column - 1) % 26)) + name;
        }

        return name;
    }
}
