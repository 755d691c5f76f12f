namespace ExchangeSmtpFleet.Core.Inventory;

/// <summary>The column names of SPEC 4. Matched case-insensitively.</summary>
public static class InventoryColumns
{
    /// <summary>DNS name or IP literal (required).</summary>
    public const string Host = "Host";
    /// <summary>TCP port, default 25.</summary>
    public const string Port = "Port";
    /// <summary>Display and expected server name.</summary>
    public const string Name = "Name";
    /// <summary>Grouping column for the report.</summary>
    public const string Site = "Site";
    /// <summary>Grouping column for the report.</summary>
    public const string Owner = "Owner";
    /// <summary>The profile id, default <c>exchange-2003</c>.</summary>
    public const string Profile = "Profile";
    /// <summary>Keywords turned off on purpose, <c>;</c>-separated.</summary>
    public const string IgnoreVerbs = "IgnoreVerbs";
    /// <summary><c>false</c> skips the row.</summary>
    public const string Enabled = "Enabled";

    /// <summary>Every known column, in the order of SPEC 4.</summary>
    public static IReadOnlyList<string> Known { get; } = [Host, Port, Name, Site, Owner, Profile, IgnoreVerbs, Enabled];

    /// <summary>The canonical spelling of a known column, or null for an unknown one.</summary>
    public static string? Canonical(string header)
    {
        var trimmed = header.Trim();
        return Known.FirstOrDefault(k => string.Equals(k, trimmed, StringComparison.OrdinalIgnoreCase));
    }
}
