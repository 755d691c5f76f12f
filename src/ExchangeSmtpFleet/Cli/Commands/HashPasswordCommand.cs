using System.CommandLine;
using System.Text;
using ExchangeSmtpFleet.Hosting;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary><c>esfleet dashboard hash-password</c>: the PBKDF2 hash of a password for <c>Dashboard:Users</c>.</summary>
internal sealed class HashPasswordCommand(ParseResult parse)
{
    public async Task<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        var error = parse.InvocationConfiguration.Error;
        var password = Console.IsInputRedirected ? await Console.In.ReadLineAsync(cancellationToken).ConfigureAwait(false) : ReadHidden(error);
        if (string.IsNullOrEmpty(password) || password.Length < DashboardCommandDefinition.MinimumLength)
        {
            throw new CommandException($"the password must have at least {DashboardCommandDefinition.MinimumLength} characters");
        }

        await parse.InvocationConfiguration.Output.WriteLineAsync(PasswordHash.Create(password)).ConfigureAwait(false);
        return ExitCodes.Ok;
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
