using System.Collections.Immutable;

namespace ExchangeSmtpFleet.Core.Inventory;

/// <summary>An inventory as read: valid hosts, bad rows, and whether the file was usable at all.</summary>
public sealed record InventoryReadResult
{
    public ImmutableArray<InventoryHost> Hosts { get; init; } = [];

    public ImmutableArray<InventoryProblem> Problems { get; init; } = [];

    /// <summary>Rows skipped because Enabled was false.</summary>
    public int DisabledCount { get; init; }

    /// <summary>Data rows seen (valid, bad and disabled).</summary>
    public int RowCount { get; init; }

    /// <summary>Why the file as a whole could not be used (empty, binary, no Host column); null when usable.</summary>
    public string? FatalError { get; init; }

    public IReadOnlyList<string> Headers { get; init; } = [];

    public char Separator { get; init; } = ',';

    /// <summary>The text encoding the file was read with (<c>utf-8</c> or <c>windows-1252</c>).</summary>
    public string Encoding { get; init; } = "utf-8";

    /// <summary>SHA-256 of the file's bytes, lower-case hex, when read from a file (recorded with each audit run).</summary>
    public string? ContentHash { get; init; }

    public bool IsUsable => FatalError is null;

    public static InventoryReadResult Unusable(string reason) => new() { FatalError = reason };
}
