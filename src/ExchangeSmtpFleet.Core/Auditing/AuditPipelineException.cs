namespace ExchangeSmtpFleet.Core.Auditing;

/// <summary>A step of the job pipeline cannot be done (an unusable inventory, a run that is gone, a relay that refused); the message says what and where.</summary>
public sealed class AuditPipelineException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AuditPipelineException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed, where.</param>
    public AuditPipelineException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed, where.</param>
    /// <param name="innerException">The cause.</param>
    public AuditPipelineException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
