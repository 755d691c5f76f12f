namespace ExchangeSmtpFleet.Simulator;

/// <summary>A fleet file that cannot be used; the message says what and where.</summary>
public sealed class FleetDefinitionException : Exception
{
    public FleetDefinitionException()
    {
    }

    public FleetDefinitionException(string message)
        : base(message)
    {
    }

    public FleetDefinitionException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
