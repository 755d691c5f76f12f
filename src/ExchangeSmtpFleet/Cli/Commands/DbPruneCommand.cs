using System.CommandLine;
using System.Globalization;
using ExchangeSmtpFleet.Core.Knowledge;
using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary><c>esfleet db prune</c>: drops old transcripts, and with a limit old runs as a whole.</summary>
internal sealed class DbPruneCommand(DbPruneCommandDefinition definition, ParseResult parse, CliContext context)
{
    public async Task<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        using var host = StoredRuns.Open(context, parse, definition.Store);
        var maintenance = host.Services.GetRequiredService<IStoreMaintenance>();
        var settings = host.Services.GetRequiredService<DatabaseSettings>();
        var output = parse.InvocationConfiguration.Output;
        var before = context.Time.GetUtcNow().AddDays(-(parse.GetValue(definition.KeepDays) ?? settings.KeepTranscriptsDays));
        var dropped = await maintenance.PruneTranscriptsAsync(before, cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{maintenance.Description}: dropped the transcripts of {Plural.Of(dropped, "result")} of runs before {before:yyyy-MM-dd HH:mm}Z")).ConfigureAwait(false);
        if ((parse.GetValue(definition.KeepRunsDays) ?? settings.KeepRunsDays) is { } runDays)
        {
            var runsBefore = context.Time.GetUtcNow().AddDays(-runDays);
            var deleted = await maintenance.PruneRunsAsync(runsBefore, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{maintenance.Description}: deleted {Plural.Of(deleted, "run")} that started before {runsBefore:yyyy-MM-dd HH:mm}Z")).ConfigureAwait(false);
        }

        return ExitCodes.Ok;
    }
}
