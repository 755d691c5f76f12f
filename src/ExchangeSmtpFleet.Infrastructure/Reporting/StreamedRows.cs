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
    /// <param name="sheets">Each sheet with its rows.</param>
    /// <param name="cancellationToken">Stops reading the rows.</param>
    public static async Task WriteAsync(string path, string dateFormat, string cutMark, IReadOnlyList<StreamedSheet> sheets, CancellationToken cancellationToken)
    {
        using var document = SpreadsheetDocument.Open(path, isEditable: true);
        var workbookPart = document.WorkbookPart!;
        var styles = AddStyles(workbookPart.WorkbookStylesPart!.Stylesheet, dateFormat);
        foreach (var streamed in sheets)
        {
            var sheet = workbookPart.Workbook.Sheets!.Elements<Sheet>().Single(s => s.Name == streamed.Name);
            await WriteSheetAsync((WorksheetPart)workbookPart.GetPartById(sheet.Id!), streamed, styles, cutMark, cancellationToken).ConfigureAwait(false);
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
        WorksheetPart part, StreamedSheet streamed, Styles styles, string cutMark, CancellationToken cancellationToken)
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

            await foreach (var values in streamed.Rows.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                written++;
                WriteRow(writer, (uint)written, values, styles, cutMark, links, streamed.WrapWidths);
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

    private static void WriteRow(OpenXmlWriter writer, uint index, object?[] values, Styles styles, string cutMark, List<Hyperlink> links, int[]? widths)
    {
        var wrap = widths is not null;
        var lines = 1;
        for (var i = 0; wrap && i < values.Length && i < widths!.Length; i++)
        {
            var text = values[i] switch
            {
                string t => t,
                SheetLink l => l.Text,
                VerdictText v => v.Text,
                _ => null,
            };
            lines = Math.Max(lines, text is null ? 1 : WrapLines(text, widths[i]));
        }

        writer.WriteStartElement(lines > 1 ? new Row { RowIndex = index, Height = (lines * LineHeight) + 2, CustomHeight = true } : new Row { RowIndex = index });
        for (var i = 0; i < values.Length; i++)
        {
            var reference = string.Create(CultureInfo.InvariantCulture, $"{ColumnName(i + 1)}{index}");
            switch (values[i])
            {
                case null:
                    break;
                case DateTime time:
                    writer.WriteElement(new Cell { CellReference = reference, StyleIndex = wrap ? styles.DateTop : styles.Date, CellValue = new CellValue(time.ToOADate().ToString("R", CultureInfo.InvariantCulture)) });
                    break;
                case int number:
                    writer.WriteElement(new Cell { CellReference = reference, StyleIndex = wrap ? styles.Top : null, CellValue = new CellValue(number.ToString(CultureInfo.InvariantCulture)) });
                    break;
                case double number:
                    writer.WriteElement(new Cell { CellReference = reference, StyleIndex = wrap ? styles.Top : null, CellValue = new CellValue(number.ToString("R", CultureInfo.InvariantCulture)) });
                    break;
                case string text when text.Length > 0:
                    var clean = CellText.Clean(text, cutMark);

                    // Text already; the quote prefix keeps it text when someone edits the cell in Excel.
                    var formula = CellText.LooksLikeFormula(clean);
                    writer.WriteElement(TextCell(reference, clean, wrap ? (formula ? styles.QuoteWrap : styles.Wrap) : (formula ? styles.Quote : null)));
                    break;
                case SheetLink link:
                    var shown = CellText.Clean(link.Text, cutMark);
                    writer.WriteElement(TextCell(reference, shown, styles.Link));
                    links.Add(new Hyperlink { Reference = reference, Location = link.Location, Display = shown });
                    break;
                case VerdictText verdict:
                    writer.WriteElement(TextCell(reference, CellText.Clean(verdict.Text, cutMark), (wrap ? styles.Verdicts : styles.FlatVerdicts)[(int)verdict.Verdict]));
                    break;
                case MarkText mark:
                    writer.WriteElement(TextCell(reference, CellText.Clean(mark.Text, cutMark), styles.Mark));
                    break;
                case string:
                    break;
                default:
                    throw new ArgumentException($"a cell value of type {values[i]!.GetType().Name} is not written", nameof(values));
            }
        }

        writer.WriteEndElement();
    }

    /// <summary>The height of one line of 11 pt text, in points.</summary>
    internal const double LineHeight = 15;

    /// <summary>
    /// How many lines <paramref name="text"/> takes wrapped in a column <paramref name="width"/> characters wide: word by word,
    /// as Excel and LibreOffice break lines, a word longer than the column broken where it must. A column's width counts
    /// its digits; average text is about a tenth narrower, which is all the estimate allows for (a row may be a little too
    /// tall, a line is not cut).
    /// </summary>
    internal static int WrapLines(string text, int width)
    {
        var capacity = Math.Max(1, (int)(width * 1.1) - 1);
        var lines = 0;
        foreach (var paragraph in text.Split('\n'))
        {
            var used = -1;
            var count = 1;
            foreach (var word in paragraph.Split(' '))
            {
                var length = word.Length;
                if (used >= 0 && used + 1 + length <= capacity)
                {
                    used += 1 + length;
                    continue;
                }

                if (used >= 0)
                {
                    count++;
                }

                // A word wider than the column fills whole lines first.
                count += Math.Max(0, (length - 1) / capacity);
                used = length - (Math.Max(0, (length - 1) / capacity) * capacity);
            }

            lines += count;
        }

        return Math.Max(1, lines);
    }

    private static Cell TextCell(string reference, string text, uint? style) =>
        new(new InlineString(new Text(text) { Space = SpaceProcessingModeValues.Preserve }))
        {
            CellReference = reference,
            DataType = CellValues.InlineString,
            StyleIndex = style,
        };

    /// <summary>Adds the formats of streamed cells to the stylesheet: dates, quote-prefixed text, links, wrapped text, marks and verdicts.</summary>
    private static Styles AddStyles(Stylesheet styles, string dateFormat)
    {
        // The typed property puts numFmts where the schema wants it (first).
        var formats = styles.NumberingFormats ??= new NumberingFormats();
        var formatId = Math.Max(164U, formats.Elements<NumberingFormat>().Select(f => f.NumberFormatId?.Value ?? 0U).DefaultIfEmpty(0U).Max() + 1);
        formats.Append(new NumberingFormat { NumberFormatId = formatId, FormatCode = dateFormat });
        formats.Count = (uint)formats.ChildElements.Count;

        // A link looks like one: the default font, underlined, in Office's hyperlink blue; a mark is bold.
        var fonts = styles.Fonts!;
        var linkFont = (uint)fonts.ChildElements.Count;
        fonts.Append(new Font(new Underline(), new FontSize { Val = 11 }, new Color { Rgb = "FF0563C1" }, new FontName { Val = "Calibri" }));
        var boldFont = (uint)fonts.ChildElements.Count;
        fonts.Append(new Font(new Bold(), new FontSize { Val = 11 }, new FontName { Val = "Calibri" }));
        fonts.Count = (uint)fonts.ChildElements.Count;

        var fills = styles.Fills!;
        uint Fill(string rgb)
        {
            fills.Append(new Fill(new PatternFill(new ForegroundColor { Rgb = "FF" + rgb }, new BackgroundColor { Indexed = 64U }) { PatternType = PatternValues.Solid }));
            return (uint)fills.ChildElements.Count - 1;
        }

        var markFill = Fill("FFD966");
        var verdictFills = Enum.GetValues<ExchangeSmtpFleet.Core.Classification.Verdict>().Select(v => Fill(ExchangeSmtpFleet.Core.Knowledge.VerdictStyle.Fill(v))).ToList();
        fills.Count = (uint)fills.ChildElements.Count;

        var cellFormats = styles.CellFormats!;
        uint Format(uint numberFormat, uint font, uint fill, bool wrap, bool top, bool quote = false)
        {
            var format = new CellFormat { NumberFormatId = numberFormat, FontId = font, FillId = fill, BorderId = 0, FormatId = 0 };
            if (numberFormat != 0)
            {
                format.ApplyNumberFormat = true;
            }

            if (font != 0)
            {
                format.ApplyFont = true;
            }

            if (fill != 0)
            {
                format.ApplyFill = true;
            }

            if (quote)
            {
                format.QuotePrefix = true;
            }

            if (wrap || top)
            {
                format.Append(new Alignment { WrapText = wrap ? true : null, Vertical = top ? VerticalAlignmentValues.Top : null });
                format.ApplyAlignment = true;
            }

            cellFormats.Append(format);
            return (uint)cellFormats.ChildElements.Count - 1;
        }

        var result = new Styles(
            Date: Format(formatId, 0, 0, wrap: false, top: false),
            DateTop: Format(formatId, 0, 0, wrap: false, top: true),
            Top: Format(0, 0, 0, wrap: false, top: true),
            Quote: Format(0, 0, 0, wrap: false, top: false, quote: true),
            QuoteWrap: Format(0, 0, 0, wrap: true, top: true, quote: true),
            Wrap: Format(0, 0, 0, wrap: true, top: true),
            Link: Format(0, linkFont, 0, wrap: true, top: true),
            Mark: Format(0, boldFont, markFill, wrap: false, top: true),
            Verdicts: [.. verdictFills.Select(f => Format(0, 0, f, wrap: true, top: true))],
            FlatVerdicts: [.. verdictFills.Select(f => Format(0, 0, f, wrap: false, top: false))]);
        cellFormats.Count = (uint)cellFormats.ChildElements.Count;
        return result;
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
    private sealed record Styles(uint Date, uint DateTop, uint Top, uint Quote, uint QuoteWrap, uint Wrap, uint Link, uint Mark, uint[] Verdicts, uint[] FlatVerdicts);
}
