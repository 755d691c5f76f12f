using System.CommandLine;
using ExchangeSmtpFleet.Infrastructure.Persistence;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary>
/// <c>esfleet db script</c>: prints a dialect's schema for a DBA: the scripts in order with the journal esfleet reads
/// (<see cref="DbaScript"/>), and on SQL Server also Hangfire's job storage schema, so that a login with read and write
/// rights only runs <c>serve</c> and workers once the DBA applied it.
/// </summary>
internal sealed class DbScriptCommand(DbScriptCommandDefinition definition, ParseResult parse)
{
    public async Task<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var output = parse.InvocationConfiguration.Output;
        var provider = parse.GetValue(definition.Provider)!;
        await output.WriteAsync(DbaScript.For(provider, EsfleetCli.Version)).ConfigureAwait(false);
        if (provider == SchemaScripts.SqlServer)
        {
            await output.WriteAsync(Jobs.JobServices.HangfireSchemaScript()).ConfigureAwait(false);
        }

        return ExitCodes.Ok;
    }
}
