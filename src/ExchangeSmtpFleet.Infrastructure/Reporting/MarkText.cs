namespace ExchangeSmtpFleet.Infrastructure.Reporting;

/// <summary>A streamed cell that marks a row for the eye (bold on amber), e.g. "new" (<see cref="StreamedRows"/>).</summary>
/// <param name="Text">What the cell shows.</param>
internal sealed record MarkText(string Text);
