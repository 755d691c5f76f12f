namespace ExchangeSmtpFleet.Core.Auditing;

/// <summary>A step of the audit cannot be done (an unusable inventory, a run that is gone, a relay that refused); the message says what and where.</summary>
public sealed class AuditException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AuditException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed, where.</param>
    public AuditException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed, where.</param>
    /// <param name="innerException">The cause.</param>
    public AuditException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
