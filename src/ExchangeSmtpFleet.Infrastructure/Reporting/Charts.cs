using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Knowledge;
using A = DocumentFormat.OpenXml.Drawing;
using C = DocumentFormat.OpenXml.Drawing.Charts;
using Xdr = DocumentFormat.OpenXml.Drawing.Spreadsheet;

namespace ExchangeSmtpFleet.Infrastructure.Reporting;

/// <summary>
/// Native Excel charts, added with the Open XML SDK after ClosedXML has saved (ClosedXML 0.95.4 has none): hosts per
/// verdict as columns, and the counts per verdict over the recent runs as lines, each verdict in its colour
/// (<see cref="VerdictStyle"/>). Both read the summary's tables, so they stay right when someone edits a figure.
/// </summary>
internal static class Charts
{
    private const string ChartUri = "http://schemas.openxmlformats.org/drawingml/2006/chart";

    /// <summary>Adds both charts to the summary sheet of the workbook at <paramref name="path"/>.</summary>
    public static void AddTo(string path, SummaryLayout layout, string verdictTitle, string trendTitle)
    {
        using var document = SpreadsheetDocument.Open(path, isEditable: true);
        var workbookPart = document.WorkbookPart!;
        var sheet = workbookPart.Workbook.Sheets!.Elements<Sheet>().Single(s => s.Name == layout.Sheet);
        var worksheetPart = (WorksheetPart)workbookPart.GetPartById(sheet.Id!);

        // One drawing per sheet: reuse the one ClosedXML may have written (pictures), else add it.
        var drawings = worksheetPart.DrawingsPart ?? worksheetPart.AddNewPart<DrawingsPart>();
        drawings.WorksheetDrawing ??= new Xdr.WorksheetDrawing();
        if (!worksheetPart.Worksheet.Elements<Drawing>().Any())
        {
            // <drawing> must come before <legacyDrawing>, <tableParts> and <extLst>, which ClosedXML writes (else Excel "repairs").
            var drawing = new Drawing { Id = worksheetPart.GetIdOfPart(drawings) };
            var after = worksheetPart.Worksheet.ChildElements.FirstOrDefault(e =>
                e is LegacyDrawing or LegacyDrawingHeaderFooter or DrawingHeaderFooter or Picture or OleObjects or Controls
                    or WebPublishItems or TableParts or WorksheetExtensionList);
            if (after is null)
            {
                worksheetPart.Worksheet.Append(drawing);
            }
            else
            {
                worksheetPart.Worksheet.InsertBefore(drawing, after);
            }
        }

        var sheetRef = $"'{layout.Sheet.Replace("'", "''", StringComparison.Ordinal)}'";
        var verdicts = Enum.GetValues<Verdict>();
        var names = ColumnName(layout.VerdictColumn);
        var counts = ColumnName(layout.VerdictColumn + 1);
        var firstVerdict = layout.VerdictHeaderRow + 1;
        var lastVerdict = layout.VerdictHeaderRow + layout.VerdictCount;
        var series = new C.BarChartSeries(
            new C.Index { Val = 0U },
            new C.Order { Val = 0U },
            new C.SeriesText(new C.StringReference(new C.Formula($"{sheetRef}!${counts}${layout.VerdictHeaderRow}"))),
            new C.InvertIfNegative { Val = false });

        // Each bar in its verdict's colour: healthy green, missing sinks red, metabase amber, could not check grey.
        for (var i = 0; i < layout.VerdictCount; i++)
        {
            series.Append(new C.DataPoint(
                new C.Index { Val = (uint)i },
                new C.InvertIfNegative { Val = false },
                new C.Bubble3D { Val = false },
                new C.ChartShapeProperties(Solid(VerdictStyle.Color(verdicts[i])))));
        }

        series.Append(
            new C.DataLabels(
                new C.ShowLegendKey { Val = false }, new C.ShowValue { Val = true }, new C.ShowCategoryName { Val = false },
                new C.ShowSeriesName { Val = false }, new C.ShowPercent { Val = false }, new C.ShowBubbleSize { Val = false }),
            new C.CategoryAxisData(new C.StringReference(new C.Formula($"{sheetRef}!${names}${firstVerdict}:${names}${lastVerdict}"))),
            new C.Values(new C.NumberReference(new C.Formula($"{sheetRef}!${counts}${firstVerdict}:${counts}${lastVerdict}"))));
        var bar = new C.BarChart(
            new C.BarDirection { Val = C.BarDirectionValues.Column },
            new C.BarGrouping { Val = C.BarGroupingValues.Clustered },
            new C.VaryColors { Val = false },
            series,
            new C.GapWidth { Val = 60 },
            new C.AxisId { Val = 1U },
            new C.AxisId { Val = 2U });
        Add(drawings, Space(verdictTitle, bar, legend: false), 1, layout.BarChart.From, layout.BarChart.To);

        if (layout.TrendRows > 0)
        {
            var labels = ColumnName(layout.TrendColumn);
            var firstRun = layout.TrendHeaderRow + 1;
            var lastRun = layout.TrendHeaderRow + layout.TrendRows;
            var line = new C.LineChart(new C.Grouping { Val = C.GroupingValues.Standard }, new C.VaryColors { Val = false });
            for (var i = 0; i < layout.VerdictCount; i++)
            {
                var column = ColumnName(layout.TrendColumn + 1 + i);
                var color = VerdictStyle.Color(verdicts[i]);
                line.Append(new C.LineChartSeries(
                    new C.Index { Val = (uint)i },
                    new C.Order { Val = (uint)i },
                    new C.SeriesText(new C.StringReference(new C.Formula($"{sheetRef}!${column}${layout.TrendHeaderRow}"))),
                    new C.ChartShapeProperties(new A.Outline(Solid(color)) { Width = 28575 }),
                    new C.Marker(new C.Symbol { Val = C.MarkerStyleValues.Circle }, new C.Size { Val = 5 }, new C.ChartShapeProperties(Solid(color), new A.Outline(Solid(color)))),

                    // Runs as categories, not a date axis: two runs of one day are two points, not one (their labels differ).
                    new C.CategoryAxisData(new C.StringReference(new C.Formula($"{sheetRef}!${labels}${firstRun}:${labels}${lastRun}"))),
                    new C.Values(new C.NumberReference(new C.Formula($"{sheetRef}!${column}${firstRun}:${column}${lastRun}"))),
                    new C.Smooth { Val = false }));
            }

            line.Append(new C.ShowMarker { Val = true }, new C.AxisId { Val = 1U }, new C.AxisId { Val = 2U });
            Add(drawings, Space(trendTitle, line, legend: true), 2, layout.TrendChart.From, layout.TrendChart.To);
        }

        drawings.WorksheetDrawing.Save();
        worksheetPart.Worksheet.Save();
    }

    private static A.SolidFill Solid(string rgb) => new(new A.RgbColorModelHex { Val = rgb });

    private static string ColumnName(int column)
    {
        var name = string.Empty;
        for (; column > 0; column = (column - 1) / 26)
        {
            name = (char)('A' + ((column - 1) % 26)) + name;
        }

        return name;
    }

    private static C.ChartSpace Space(string title, OpenXmlCompositeElement chart, bool legend)
    {
        var plotArea = new C.PlotArea(
            new C.Layout(),
            chart,
            new C.CategoryAxis(
                new C.AxisId { Val = 1U },
                new C.Scaling(new C.Orientation { Val = C.OrientationValues.MinMax }),
                new C.Delete { Val = false },
                new C.AxisPosition { Val = C.AxisPositionValues.Bottom },
                new C.NumberingFormat { FormatCode = "General", SourceLinked = true },
                new C.TickLabelPosition { Val = C.TickLabelPositionValues.NextTo },
                new C.CrossingAxis { Val = 2U },
                new C.Crosses { Val = C.CrossesValues.AutoZero },
                new C.AutoLabeled { Val = true },
                new C.LabelAlignment { Val = C.LabelAlignmentValues.Center },
                new C.LabelOffset { Val = 100 }),
            new C.ValueAxis(
                new C.AxisId { Val = 2U },
                new C.Scaling(new C.Orientation { Val = C.OrientationValues.MinMax }),
                new C.Delete { Val = false },
                new C.AxisPosition { Val = C.AxisPositionValues.Left },
                new C.MajorGridlines(),
                new C.NumberingFormat { FormatCode = "0", SourceLinked = false },
                new C.TickLabelPosition { Val = C.TickLabelPositionValues.NextTo },
                new C.CrossingAxis { Val = 1U },
                new C.Crosses { Val = C.CrossesValues.AutoZero },
                new C.CrossBetween { Val = C.CrossBetweenValues.Between }));
        var body = new C.Chart(
            new C.Title(
                new C.ChartText(new C.RichText(new A.BodyProperties(), new A.ListStyle(), new A.Paragraph(new A.Run(new A.Text(title))))),
                new C.Overlay { Val = false }),
            new C.AutoTitleDeleted { Val = false },
            plotArea);
        if (legend)
        {
            body.Append(new C.Legend(new C.LegendPosition { Val = C.LegendPositionValues.Bottom }, new C.Overlay { Val = false }));
        }

        body.Append(new C.PlotVisibleOnly { Val = true });
        return new C.ChartSpace(new C.RoundedCorners { Val = false }, body);
    }

    private static void Add(DrawingsPart drawings, C.ChartSpace space, uint id, (int Column, int Row) from, (int Column, int Row) to)
    {
        var chartPart = drawings.AddNewPart<ChartPart>();
        chartPart.ChartSpace = space;
        chartPart.ChartSpace.Save();
        var frame = new Xdr.GraphicFrame(
            new Xdr.NonVisualGraphicFrameProperties(
                new Xdr.NonVisualDrawingProperties { Id = id + 1, Name = $"Chart {id}" },
                new Xdr.NonVisualGraphicFrameDrawingProperties()),
            new Xdr.Transform(new A.Offset { X = 0L, Y = 0L }, new A.Extents { Cx = 0L, Cy = 0L }),
            new A.Graphic(new A.GraphicData(new C.ChartReference { Id = drawings.GetIdOfPart(chartPart) }) { Uri = ChartUri }))
        { Macro = string.Empty };
        drawings.WorksheetDrawing!.Append(new Xdr.TwoCellAnchor(
            Marker<Xdr.FromMarker>(from),
            Marker<Xdr.ToMarker>(to),
            frame,
            new Xdr.ClientData()));
    }

    private static T Marker<T>((int Column, int Row) cell)
        where T : OpenXmlCompositeElement, new()
    {
        var marker = new T();
        marker.Append(
            new Xdr.ColumnId(cell.Column.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new Xdr.ColumnOffset("0"),
            new Xdr.RowId(cell.Row.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new Xdr.RowOffset("0"));
        return marker;
    }
}
