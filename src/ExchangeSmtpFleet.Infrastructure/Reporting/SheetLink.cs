namespace ExchangeSmtpFleet.Infrastructure.Reporting;

/// <summary>A streamed cell that links inside the workbook (<see cref="StreamedRows"/>).</summary>
/// <param name="Text">What the cell shows.</param>
/// <param name="Location">Where it leads: <c>'Sheet'!A5</c>.</param>
internal sealed record SheetLink(string Text, string Location);
