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
        var styles = AddStyles(workbookPart.WorkbookStylesPart!.Stylesheet, dateFormat);
        foreach (var (sheetName, rows) in sheets)
        {
            var sheet = workbookPart.Workbook.Sheets!.Elements<Sheet>().Single(s => s.Name == sheetName);
            await WriteSheetAsync((WorksheetPart)workbookPart.GetPartById(sheet.Id!), rows, styles, cutMark, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Worksheet elements that the schema puts after <c>&lt;hyperlinks&gt;</c>.</summary>
    private static readonly Type[] AfterHyperlinks =
    [
        typeof(PrintOptions), typeof(PageMargins), typeof(PageSetup), typeof(HeaderFooter), typeof(RowBreaks), typeof(ColumnBreaks),
        typeof(CustomProperties), typeof(CellWatches), typeof(IgnoredErrors), typeof(Drawing), typeof(LegacyDrawing),
        typeof(LegacyDrawingHeaderFooter), typeof(DrawingHeaderFooter), typeof(Picture), typeof(OleObjects), typeof(Controls),
        typeof(WebPublishItems), typeof(TableParts), typeof(WorksheetExtensionList),
    ];

    private static async Task WriteSheetAsync(
        WorksheetPart part, IAsyncEnumerable<object?[]> rows, Styles styles, string cutMark, CancellationToken cancellationToken)
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
        var links = new List<Hyperlink>();
        var linksWritten = false;
        foreach (var child in original.ChildElements)
        {
            if (!linksWritten && links.Count > 0 && AfterHyperlinks.Contains(child.GetType()))
            {
                WriteLinks(writer, links);
                linksWritten = true;
            }

            if (child is Dimension)
            {
                // What ClosedXML found (the header) is not the sheet's extent any more; the element is optional.
                continue;
            }

            if (child is ConditionalFormatting formatting)
            {
                // Made by ClosedXML over the first data row; it covers every row written.
                var extended = (ConditionalFormatting)formatting.CloneNode(true);
                extended.SequenceOfReferences = new ListValue<StringValue>(
                    formatting.SequenceOfReferences!.Items.Select(r => new StringValue(ToLastRow(r.Value!, Math.Max(written, 2)))));
                writer.WriteElement(extended);
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
                WriteRow(writer, (uint)written, values, styles, cutMark, links);
            }

            if (written == 1)
            {
                // Nothing to stream: what ClosedXML wrote below the header (a "(none)" row) stays.
                foreach (var kept in data.Elements<Row>().Where(r => r.RowIndex is not null && r.RowIndex.Value > 1))
                {
                    writer.WriteElement(kept);
                }
            }

            writer.WriteEndElement();
        }

        if (!linksWritten && links.Count > 0)
        {
            WriteLinks(writer, links);
        }

        writer.WriteEndElement();
        writer.Close();

        // ClosedXML made the sheet's table over the header and one row (made over every row, its save creates a cell
        // object for each, gigabytes for 100,000 hosts); it covers every row written.
        foreach (var table in part.TableDefinitionParts)
        {
            table.Table.Reference = ToLastRow(table.Table.Reference!.Value!, Math.Max(written, 2));
            if (table.Table.AutoFilter is { } filter)
            {
                filter.Reference = ToLastRow(filter.Reference!.Value!, Math.Max(written, 2));
            }
        }
    }

    /// <summary><c>A1:AB2</c> with its last row set to <paramref name="lastRow"/>: <c>A1:AB10001</c>.</summary>
    private static string ToLastRow(string range, int lastRow)
    {
        var colon = range.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return range;
        }

        var end = range[(colon + 1)..].TrimEnd("0123456789".ToCharArray());
        return string.Create(CultureInfo.InvariantCulture, $"{range[..(colon + 1)]}{end}{lastRow}");
    }

    private static void WriteLinks(OpenXmlWriter writer, List<Hyperlink> links)
    {
        writer.WriteStartElement(new Hyperlinks());
        foreach (var link in links)
        {
            writer.WriteElement(link);
        }

        writer.WriteEndElement();
    }

    private static void WriteRow(OpenXmlWriter writer, uint index, object?[] values, Styles styles, string cutMark, List<Hyperlink> links)
    {
        // Rows with wrapped text get their height (Excel and LibreOffice do not measure rows a file gives no height).
        var lines = values.OfType<WrappedText>().Select(w => w.Text.Split('\n').Sum(l => Math.Max(1, (l.Length + w.Width - 1) / Math.Max(1, w.Width))))
            .DefaultIfEmpty(1).Max();
        writer.WriteStartElement(lines > 1 ? new Row { RowIndex = index, Height = lines * 15.0, CustomHeight = true } : new Row { RowIndex = index });
        for (var i = 0; i < values.Length; i++)
        {
            var reference = string.Create(CultureInfo.InvariantCulture, $"{ColumnName(i + 1)}{index}");
            switch (values[i])
            {
                case null:
                    break;
                case DateTime time:
                    writer.WriteElement(new Cell { CellReference = reference, StyleIndex = styles.Date, CellValue = new CellValue(time.ToOADate().ToString("R", CultureInfo.InvariantCulture)) });
                    break;
                case int number:
                    writer.WriteElement(new Cell { CellReference = reference, CellValue = new CellValue(number.ToString(CultureInfo.InvariantCulture)) });
                    break;
                case double number:
                    writer.WriteElement(new Cell { CellReference = reference, CellValue = new CellValue(number.ToString("R", CultureInfo.InvariantCulture)) });
                    break;
                case string text when text.Length > 0:
                    var clean = CellText.Clean(text, cutMark);

                    // Text already; the quote prefix keeps it text when someone edits the cell in Excel.
                    writer.WriteElement(TextCell(reference, clean, CellText.LooksLikeFormula(clean) ? styles.Quote : null));
                    break;
                case WrappedText { Text.Length: > 0 } wrapped:
                    writer.WriteElement(TextCell(reference, CellText.Clean(wrapped.Text, cutMark), styles.Wrap));
                    break;
                case SheetLink link:
                    var shown = CellText.Clean(link.Text, cutMark);
                    writer.WriteElement(TextCell(reference, shown, styles.Link));
                    links.Add(new Hyperlink { Reference = reference, Location = link.Location, Display = shown });
                    break;
                case WrappedText:
                case string:
                    break;
                default:
                    throw new ArgumentException($"a cell value of type {values[i]!.GetType().Name} is not written", nameof(values));
            }
        }

        writer.WriteEndElement();
    }

    private static Cell TextCell(string reference, string text, uint? style) =>
        new(new InlineString(new Text(text) { Space = SpaceProcessingModeValues.Preserve }))
        {
            CellReference = reference,
            DataType = CellValues.InlineString,
            StyleIndex = style,
        };

    /// <summary>Adds the formats of streamed cells to the stylesheet: a date, quote-prefixed text, a link, wrapped text.</summary>
    private static Styles AddStyles(Stylesheet styles, string dateFormat)
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

        // A link looks like one: the default font, underlined, in Office's hyperlink blue.
        var fonts = styles.Fonts!;
        var linkFont = (uint)fonts.ChildElements.Count;
        fonts.Append(new Font(new Underline(), new FontSize { Val = 11 }, new Color { Rgb = "FF0563C1" }, new FontName { Val = "Calibri" }));
        fonts.Count = (uint)fonts.ChildElements.Count;
        cellFormats.Append(new CellFormat { NumberFormatId = 0, FontId = linkFont, FillId = 0, BorderId = 0, FormatId = 0, ApplyFont = true });
        cellFormats.Append(new CellFormat(new Alignment { WrapText = true, Vertical = VerticalAlignmentValues.Top })
        {
            NumberFormatId = 0,
            FontId = 0,
            FillId = 0,
            BorderId = 0,
            FormatId = 0,
            ApplyAlignment = true,
        });
        cellFormats.Count = (uint)cellFormats.ChildElements.Count;
        return new Styles(date, date + 1, date + 2, date + 3);
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

    /// <summary>The stylesheet indexes of the streamed cells' formats.</summary>
    private sealed record Styles(uint Date, uint Quote, uint Link, uint Wrap);
}
