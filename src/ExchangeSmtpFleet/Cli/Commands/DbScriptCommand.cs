using System.CommandLine;
using ExchangeSmtpFleet.Infrastructure.Persistence;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary><c>esfleet db script</c>: prints a dialect's schema scripts in order.</summary>
internal sealed class DbScriptCommand(DbScriptCommandDefinition definition, ParseResult parse)
{
    public async Task<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        var output = parse.InvocationConfiguration.Output;
        foreach (var (name, text) in SchemaScripts.For(parse.GetValue(definition.Provider)!))
        {
            cancellationToken.ThrowIfCancellationRequested();
            await output.WriteLineAsync($"-- esfleet schema script {name}").ConfigureAwait(false);
            await output.WriteLineAsync(text.TrimEnd()).ConfigureAwait(false);
            await output.WriteLineAsync().ConfigureAwait(false);
        }

        return ExitCodes.Ok;
    }
}
