using System.Collections.Immutable;

namespace ExchangeSmtpFleet.Core.Inventory;

/// <summary>An inventory as read: valid hosts, bad rows, and whether the file was usable at all.</summary>
public sealed record InventoryReadResult
{
    /// <summary>The valid, enabled rows, in file order.</summary>
    public ImmutableArray<InventoryHost> Hosts { get; init; } = [];

    /// <summary>Bad rows and header problems, with line numbers.</summary>
    public ImmutableArray<InventoryProblem> Problems { get; init; } = [];

    /// <summary>Rows skipped because Enabled was false.</summary>
    public int DisabledCount { get; init; }

    /// <summary>Data rows seen (valid, bad and disabled).</summary>
    public int RowCount { get; init; }

    /// <summary>Why the file as a whole could not be used (empty, binary, no Host column); null when usable.</summary>
    public string? FatalError { get; init; }

    /// <summary>The header row as written.</summary>
    public IReadOnlyList<string> Headers { get; init; } = [];

    /// <summary>The field separator found (<c>,</c> or <c>;</c>).</summary>
    public char Separator { get; init; } = ',';

    /// <summary>The text encoding the file was read with (<c>utf-8</c> or <c>windows-1252</c>).</summary>
    public string Encoding { get; init; } = "utf-8";

    /// <summary>SHA-256 of the file's bytes, lower-case hex, when read from a file (recorded with each audit run).</summary>
    public string? ContentHash { get; init; }

    /// <summary>False when the file as a whole cannot be used (<see cref="FatalError"/>).</summary>
    public bool IsUsable => FatalError is null;

    /// <summary>A result for a file that cannot be used at all.</summary>
    public static InventoryReadResult Unusable(string reason) => new() { FatalError = reason };
}
