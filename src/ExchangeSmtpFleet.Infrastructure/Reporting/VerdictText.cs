using ExchangeSmtpFleet.Core.Classification;

namespace ExchangeSmtpFleet.Infrastructure.Reporting;

/// <summary>A streamed cell that names a verdict, on the verdict's colour (<see cref="StreamedRows"/>).</summary>
/// <param name="Text">What the cell shows.</param>
/// <param name="Verdict">The verdict whose colour it gets.</param>
internal sealed record VerdictText(string Text, Verdict Verdict);
