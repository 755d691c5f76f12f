namespace ExchangeSmtpFleet.Hosting;

/// <summary>Configuration values cannot be used; each problem says which setting and why, in one line.</summary>
internal sealed class ConfigurationProblemException : Exception
{
    public ConfigurationProblemException()
        : this([])
    {
    }

    public ConfigurationProblemException(string message)
        : this([message])
    {
    }

    public ConfigurationProblemException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [message];
    }

    public ConfigurationProblemException(IReadOnlyList<string> problems)
        : base(string.Join("; ", problems))
    {
        Problems = problems;
    }

    /// <summary>Every problem found, one line each.</summary>
    public IReadOnlyList<string> Problems { get; }
}
