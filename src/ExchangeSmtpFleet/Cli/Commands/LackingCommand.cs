using System.CommandLine;
using ExchangeSmtpFleet.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary><c>esfleet lacking</c>: the hosts of a run that answered EHLO without a keyword.</summary>
internal sealed class LackingCommand(LackingCommandDefinition definition, ParseResult parse, CliContext context)
{
    public async Task<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        using var host = StoredRuns.Open(context, parse, definition.Store);
        var history = host.Services.GetRequiredService<IAuditHistory>();
        var run = await StoredRuns.FindAsync(history, parse.GetValue(definition.Run)!, cancellationToken).ConfigureAwait(false);
        var name = parse.GetValue(definition.Keyword)!.Trim().ToUpperInvariant();
        var hosts = await history.LackingAsync(run.RunId, name, cancellationToken).ConfigureAwait(false);
        var output = parse.InvocationConfiguration.Output;
        var json = parse.GetValue(definition.Json);
        foreach (var lacking in hosts)
        {
            await output.WriteLineAsync(json
                ? ResultJson.Line(w =>
                {
                    w.WriteString("runId", run.RunId);
                    w.WriteString("keyword", name);
                    w.WriteString("host", lacking.HostKey);
                    w.WriteString("name", lacking.Name);
                    w.WriteString("verdict", lacking.Verdict.ToString());
                    w.WriteString("family", lacking.Family);
                })
                : $"{lacking.HostKey,-28} {lacking.Name ?? "-",-28} {lacking.Verdict,-28} {lacking.Family}").ConfigureAwait(false);
        }

        if (!json)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync($"{run.RunId}: {hosts.Count} hosts answered EHLO without {name}").ConfigureAwait(false);
        }

        return hosts.Count == 0 ? ExitCodes.Ok : ExitCodes.Findings;
    }
}
