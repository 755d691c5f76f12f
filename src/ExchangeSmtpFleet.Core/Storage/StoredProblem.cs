namespace ExchangeSmtpFleet.Core.Storage;

/// <summary>A bad inventory row of a run, as stored.</summary>
/// <param name="LineNumber">The row's line in the file (0 for the file as a whole).</param>
/// <param name="Reason">What was wrong.</param>
/// <param name="RawText">The row as it was, when known.</param>
public sealed record StoredProblem(int LineNumber, string Reason, string? RawText);
