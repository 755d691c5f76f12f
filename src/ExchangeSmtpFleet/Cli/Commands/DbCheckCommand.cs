using System.CommandLine;
using ExchangeSmtpFleet.Core.Probing;
using ExchangeSmtpFleet.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary><c>esfleet db check</c>: one line per check of the database, the worst outcome as the exit code.</summary>
internal sealed class DbCheckCommand(DbCheckCommandDefinition definition, ParseResult parse, CliContext context)
{
    public async Task<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        using var host = StoredRuns.Open(context, parse, definition.Store);
        var maintenance = host.Services.GetRequiredService<IStoreMaintenance>();
        var output = parse.InvocationConfiguration.Output;
        await output.WriteLineAsync(TranscriptText.ForTerminal(maintenance.Description)).ConfigureAwait(false);
        var checks = await maintenance.CheckAsync(cancellationToken).ConfigureAwait(false);
        foreach (var check in checks)
        {
            var outcome = check.Outcome switch { CheckOutcome.Pass => "pass", CheckOutcome.Warn => "WARN", _ => "FAIL" };
            await output.WriteLineAsync(TranscriptText.ForTerminal($"  {outcome}  {check.Name,-14} {check.Detail}")).ConfigureAwait(false);
        }

        return checks.Max(c => c.Outcome) switch
        {
            CheckOutcome.Pass => ExitCodes.Ok,
            CheckOutcome.Warn => ExitCodes.Findings,
            _ => ExitCodes.Error,
        };
    }
}
