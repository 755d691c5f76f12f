namespace ExchangeSmtpFleet.Smtp.Probing;

/// <summary>
/// This process could not open a socket (EMFILE, ENFILE, ENOBUFS): a shortage of the machine running the audit, never a
/// finding about the host. The fleet engine treats it as back-pressure and probes the host again later.
/// </summary>
public sealed class OutOfSocketsException : Exception
{
    public OutOfSocketsException()
    {
    }

    public OutOfSocketsException(string message)
        : base(message)
    {
    }

    public OutOfSocketsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
