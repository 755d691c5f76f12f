namespace ExchangeSmtpFleet.Core.Storage;

/// <summary>The database cannot be used: the message names the database, what failed and what to do, in one line.</summary>
public sealed class StoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StoreException()
    {
    }

    /// <summary>Creates the exception with its one-line message.</summary>
    /// <param name="message">Which database, what failed, what to do.</param>
    public StoreException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception for a provider's exception.</summary>
    /// <param name="message">Which database, what failed, what to do.</param>
    /// <param name="innerException">The provider's exception.</param>
    public StoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
