using System.CommandLine;
using ExchangeSmtpFleet.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary><c>esfleet db migrate</c>: creates or upgrades the schema.</summary>
internal sealed class DbMigrateCommand(DbMigrateCommandDefinition definition, ParseResult parse, CliContext context)
{
    public async Task<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        using var host = StoredRuns.Open(context, parse, definition.Store);
        var maintenance = host.Services.GetRequiredService<IStoreMaintenance>();
        await maintenance.MigrateAsync(cancellationToken).ConfigureAwait(false);
        await parse.InvocationConfiguration.Output.WriteLineAsync($"{maintenance.Description}: schema up to date").ConfigureAwait(false);
        return ExitCodes.Ok;
    }
}
