namespace ExchangeSmtpFleet.Infrastructure.Reporting;

/// <summary>A streamed text cell shown wrapped over several lines (<see cref="StreamedRows"/>).</summary>
/// <param name="Text">The text.</param>
/// <param name="Width">Its column's width in characters: the row is made tall enough for the wrapped lines.</param>
internal sealed record WrappedText(string Text, int Width);
