namespace ExchangeSmtpFleet.Core.Storage;

/// <summary>What every storage role says of itself: the database it works on, for messages.</summary>
public interface IStoreRole
{
    /// <summary>Which database: provider and file or server, never a password.</summary>
    string Description { get; }
}
