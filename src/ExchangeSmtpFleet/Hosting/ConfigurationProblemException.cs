namespace ExchangeSmtpFleet.Hosting;

/// <summary>A configuration value cannot be used; the message says which and why, in one line.</summary>
internal sealed class ConfigurationProblemException : Exception
{
    public ConfigurationProblemException()
    {
    }

    public ConfigurationProblemException(string message)
        : base(message)
    {
    }

    public ConfigurationProblemException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
