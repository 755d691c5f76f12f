namespace ExchangeSmtpFleet.Core.Auditing;

/// <summary>A result sink failed (disk full, database gone): the run failed, the message names the sink and the cause.</summary>
public sealed class AuditSinkException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AuditSinkException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What failed.</param>
    public AuditSinkException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception for a sink's own exception.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The sink's exception.</param>
    public AuditSinkException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
