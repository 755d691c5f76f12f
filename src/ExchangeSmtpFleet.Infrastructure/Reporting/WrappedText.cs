namespace ExchangeSmtpFleet.Infrastructure.Reporting;

/// <summary>A streamed text cell shown wrapped over several lines (<see cref="StreamedRows"/>).</summary>
/// <param name="Text">The text.</param>
internal sealed record WrappedText(string Text);
