using System.CommandLine;
using ExchangeSmtpFleet.Core.Auditing;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary><c>esfleet scan</c>: begin a run, probe every host (JSON Lines as results arrive), finish it, print the summary.</summary>
internal sealed class ScanCommand(ScanCommandDefinition definition, ParseResult parse, CliContext context)
{
    public async Task<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        await using var session = await FleetSession.OpenAsync(definition.Fleet, parse, context, "esfleet scan", definition.Fleet.Overrides(parse)).ConfigureAwait(false);
        var run = await session.BeginAsync(RunKind.Scan, store: !parse.GetValue(definition.NoStore), cancellationToken).ConfigureAwait(false);
        var report = await session.ProbeAsync(run, cancellationToken).ConfigureAwait(false);
        await session.FinishAsync(run, report).ConfigureAwait(false);
        return run.StoreFailure is null ? RunExitCode.Of(report) : ExitCodes.Error;
    }
}
