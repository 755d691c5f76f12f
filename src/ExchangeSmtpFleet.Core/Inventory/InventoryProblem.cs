namespace ExchangeSmtpFleet.Core.Inventory;

/// <summary>A bad inventory row or header, with its line number (0 for the file as a whole).</summary>
/// <param name="LineNumber">1-based line the row starts on.</param>
/// <param name="Reason">What is wrong, for people.</param>
/// <param name="RawText">The row as it was in the file, when known.</param>
public sealed record InventoryProblem(int LineNumber, string Reason, string? RawText = null)
{
    /// <summary><c>line N: reason</c>, or the reason alone for the file as a whole.</summary>
    public override string ToString() => LineNumber > 0 ? $"line {LineNumber}: {Reason}" : Reason;
}
