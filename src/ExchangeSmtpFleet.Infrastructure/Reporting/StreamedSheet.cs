namespace ExchangeSmtpFleet.Infrastructure.Reporting;

/// <summary>The rows of one sheet for <see cref="StreamedRows"/>.</summary>
/// <param name="Name">The sheet (ClosedXML wrote its header row and nothing below it).</param>
/// <param name="Rows">Its rows' values: null (empty), string, int, double, DateTime (UTC), <see cref="SheetLink"/>,
/// <see cref="VerdictText"/> or <see cref="MarkText"/>.</param>
/// <param name="WrapWidths">The widths of the sheet's columns in characters: every cell is then top-aligned, text wraps, and
/// each row is made tall enough for its longest cell (Excel and LibreOffice do not measure rows a file gives no height); null
/// for a sheet whose text stays on one line.</param>
internal sealed record StreamedSheet(string Name, IAsyncEnumerable<object?[]> Rows, int[]? WrapWidths);
