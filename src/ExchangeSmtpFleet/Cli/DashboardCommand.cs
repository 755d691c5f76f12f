using System.CommandLine;
using System.Text;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Hosting;

namespace ExchangeSmtpFleet.Cli;

/// <summary><c>esfleet dashboard hash-password</c>: the PBKDF2 hash of a password for <c>Dashboard:Users</c>.</summary>
internal static class DashboardCommand
{
    /// <summary>Shortest password accepted.</summary>
    public const int MinimumLength = 12;

    public static Command Create(CliContext context)
    {
        _ = context;
        var hash = new Command("hash-password", $"Read a password (typed without echo, or the first line of standard input) and print its PBKDF2 hash for Dashboard:Users:N:PasswordHash. At least {MinimumLength} characters.");
        hash.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var password = Console.IsInputRedirected ? await Console.In.ReadLineAsync(cancellationToken).ConfigureAwait(false) : ReadHidden(error);
            if (string.IsNullOrEmpty(password) || password.Length < MinimumLength)
            {
                await error.WriteLineAsync($"esfleet dashboard hash-password: the password must have at least {MinimumLength} characters").ConfigureAwait(false);
                return ExitCodes.Error;
            }

            await parse.InvocationConfiguration.Output.WriteLineAsync(PasswordHash.Create(password)).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return new Command("dashboard", "The dashboard's users.") { hash };
    }

    private static string ReadHidden(TextWriter prompt)
    {
        prompt.Write("Password: ");
        var text = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                prompt.WriteLine();
                return text.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                text.Length = Math.Max(0, text.Length - 1);
            }
            else if (!char.IsControl(key.KeyChar))
            {
                text.Append(key.KeyChar);
            }
        }
    }
}
