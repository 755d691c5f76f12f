namespace ExchangeSmtpFleet.Core.Storage;

/// <summary>
/// The widths of the stored text that comes from outside (a server's keywords and version, the inventory's columns and
/// path), the same in every dialect: longer values are cut to the width with <see cref="CutMark"/> at the end, so that
/// SQL Server's fixed columns and SQLite's unbounded ones store the same thing, and one odd host or row costs nothing
/// else (issue 21, item 6). <c>esfleet inventory check</c> warns about inventory fields that will be cut.
/// </summary>
public static class StoredLimits
{
    /// <summary>An advertised keyword's name (<c>keyword_sets.name</c>).</summary>
    public const int KeywordName = 128;

    /// <summary>The server version read from a banner (<c>results.version</c>).</summary>
    public const int Version = 64;

    /// <summary>The address the probe connected to (<c>results.address</c>).</summary>
    public const int Address = 64;

    /// <summary>An inventory host's Name, Site and Owner (<c>run_hosts.name</c>, <c>site</c>, <c>owner</c>).</summary>
    public const int Label = 256;

    /// <summary>The inventory file's path (<c>runs.inventory_path</c>).</summary>
    public const int InventoryPath = 1024;

    /// <summary>The build that stored a run (<c>runs.tool_version</c>).</summary>
    public const int ToolVersion = 128;

    /// <summary>What a cut value ends with: one character, so that a cut value is exactly the width long.</summary>
    public const string CutMark = "\u2026";

    /// <summary>
    /// <paramref name="value"/> as stored in a column of <paramref name="width"/> UTF-16 code units: unchanged when it fits,
    /// else its first code units and <see cref="CutMark"/>, <paramref name="width"/> in all (a surrogate pair is never split).
    /// </summary>
    /// <param name="value">The text, or null.</param>
    /// <param name="width">The column's width in UTF-16 code units (SQL Server's <c>NVARCHAR(n)</c>), at least 2.</param>
    public static string? Cut(string? value, int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 2);
        if (value is null || value.Length <= width)
        {
            return value;
        }

        var keep = width - CutMark.Length;
        if (char.IsHighSurrogate(value[keep - 1]))
        {
            keep--;
        }

        return string.Concat(value.AsSpan(0, keep), CutMark);
    }

    /// <summary>Whether <paramref name="value"/> is longer than <paramref name="width"/> and will be cut.</summary>
    /// <param name="value">The text, or null.</param>
    /// <param name="width">The column's width.</param>
    public static bool WillCut(string? value, int width) => value is not null && value.Length > width;
}
