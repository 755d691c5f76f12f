namespace ExchangeSmtpFleet.Core.Inventory;

/// <summary>The column names of SPEC 4. Matched case-insensitively.</summary>
public static class InventoryColumns
{
    public const string Host = "Host";
    public const string Port = "Port";
    public const string Name = "Name";
    public const string Site = "Site";
    public const string Owner = "Owner";
    public const string Profile = "Profile";
    public const string IgnoreVerbs = "IgnoreVerbs";
    public const string Enabled = "Enabled";

    public static IReadOnlyList<string> Known { get; } = [Host, Port, Name, Site, Owner, Profile, IgnoreVerbs, Enabled];

    /// <summary>The canonical spelling of a known column, or null for an unknown one.</summary>
    public static string? Canonical(string header)
    {
        var trimmed = header.Trim();
        return Known.FirstOrDefault(k => string.Equals(k, trimmed, StringComparison.OrdinalIgnoreCase));
    }
}
