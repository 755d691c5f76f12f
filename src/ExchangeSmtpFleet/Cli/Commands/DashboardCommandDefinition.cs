using System.CommandLine;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary><c>esfleet dashboard hash-password</c>: the dashboard's commands.</summary>
internal sealed class DashboardCommandDefinition : Command
{
    /// <summary>Shortest password accepted.</summary>
    public const int MinimumLength = 12;

    public DashboardCommandDefinition()
        : base("dashboard", "The dashboard's users.")
    {
        var hash = new Command("hash-password", $"Read a password (typed without echo, or the first line of standard input) and print its PBKDF2 hash for Dashboard:Users:N:PasswordHash. At least {MinimumLength} characters.");
        hash.SetAction((parse, cancellationToken) => new HashPasswordCommand(parse).ExecuteAsync(cancellationToken));
        Subcommands.Add(hash);
    }
}
