using System.Collections.Immutable;
using ExchangeSmtpFleet.Core.Inventory;
using ExchangeSmtpFleet.Core.Profiles;

namespace ExchangeSmtpFleet.Core.Classification;

/// <summary>What the inventory expects of a host.</summary>
/// <param name="ProfileId">The profile to judge against.</param>
/// <param name="IgnoreVerbs">Keywords deliberately turned off on this host; they become optional.</param>
/// <param name="ExpectedName">The inventory's display name, compared with the banner.</param>
/// <param name="Now">The clock reading for certificate expiry findings.</param>
public sealed record ClassificationContext(
    string ProfileId,
    ImmutableArray<string> IgnoreVerbs,
    string? ExpectedName,
    DateTimeOffset Now)
{
    /// <summary>The default profile, nothing ignored, no expected name.</summary>
    public static ClassificationContext Default(DateTimeOffset now) =>
        new(ProfileCatalog.DefaultProfileId, [], null, now);

    /// <summary>What the inventory row <paramref name="host"/> expects.</summary>
    /// <param name="host">The inventory row.</param>
    /// <param name="now">The clock reading for certificate findings.</param>
    public static ClassificationContext Of(InventoryHost host, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(host);
        return new ClassificationContext(host.Profile, host.IgnoreVerbs, host.Name, now);
    }
}
