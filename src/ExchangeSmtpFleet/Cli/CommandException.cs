namespace ExchangeSmtpFleet.Cli;

/// <summary>
/// A problem a person can fix (a file that cannot be read, a run that is not stored, a second audit), thrown where it is
/// found and turned into its one line and exit code in one place (<see cref="EsfleetCli.RunAsync"/>), as the .NET SDK's
/// <c>GracefulException</c>.
/// </summary>
internal sealed class CommandException : Exception
{
    public CommandException()
        : this("the command failed")
    {
    }

    public CommandException(string message)
        : this(message, ExitCodes.Error)
    {
    }

    public CommandException(string message, Exception innerException)
        : base(message, innerException)
    {
        ExitCode = ExitCodes.Error;
    }

    public CommandException(string message, int exitCode)
        : base(message)
    {
        ExitCode = exitCode;
    }

    /// <summary>The process's exit code.</summary>
    public int ExitCode { get; }
}
