namespace ExchangeSmtpFleet.Core.Inventory;

/// <summary>One data row as the file reader found it, before validation.</summary>
/// <param name="LineNumber">1-based line the row starts on.</param>
/// <param name="Fields">Field values in header order (fewer than the header when the row is short).</param>
/// <param name="RawText">The row as it was in the file, for error messages.</param>
/// <param name="ReaderProblem">A problem the file reader already found (e.g. broken quoting), or null.</param>
public sealed record InventoryRecord(int LineNumber, IReadOnlyList<string> Fields, string RawText, string? ReaderProblem = null);
