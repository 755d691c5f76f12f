namespace ExchangeSmtpFleet.Core.Inventory;

/// <summary>Reads and validates an inventory file (SPEC 4; implemented by Infrastructure's CSV reader).</summary>
public interface IInventoryReader
{
    /// <summary>Reads <paramref name="path"/>. Never throws for a bad file: an unusable one has <see cref="InventoryReadResult.FatalError"/>.</summary>
    /// <param name="path">The inventory file.</param>
    InventoryReadResult ReadFile(string path);
}
