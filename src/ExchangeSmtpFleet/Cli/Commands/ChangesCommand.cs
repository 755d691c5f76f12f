using System.CommandLine;
using ExchangeSmtpFleet.Core.Inventory;
using ExchangeSmtpFleet.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary><c>esfleet changes</c>: what changed between a run and the latest completed run before it (or a given one).</summary>
internal sealed class ChangesCommand(ChangesCommandDefinition definition, ParseResult parse, CliContext context)
{
    public async Task<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        using var host = StoredRuns.Open(context, parse, definition.Store);
        var history = host.Services.GetRequiredService<IAuditHistory>();
        var run = await StoredRuns.FindAsync(history, parse.GetValue(definition.Run)!, cancellationToken).ConfigureAwait(false);
        var since = parse.GetValue(definition.Since) is { } sinceText
            ? (await StoredRuns.FindAsync(history, sinceText, cancellationToken).ConfigureAwait(false)).RunId
            : null;
        var changes = await history.ChangesAsync(run.RunId, since, cancellationToken).ConfigureAwait(false);
        var all = parse.GetValue(definition.All);
        var shown = changes.Changes.Where(c => all || c.Kind != ChangeKind.StillFailing)
            .OrderBy(c => c.Kind).ThenBy(c => c.HostKey, HostKeyComparer.Instance).ToList();
        var output = parse.InvocationConfiguration.Output;
        if (parse.GetValue(definition.Json))
        {
            foreach (var change in shown)
            {
                await output.WriteLineAsync(ResultJson.Line(w =>
                {
                    w.WriteString("runId", changes.RunId);
                    w.WriteString("sinceRunId", changes.SinceRunId);
                    w.WriteString("host", change.HostKey);
                    w.WriteString("name", change.Name);
                    w.WriteString("change", change.Kind.ToString());
                    w.WriteString("before", change.Before?.ToString());
                    w.WriteString("after", change.After?.ToString());
                })).ConfigureAwait(false);
            }
        }
        else
        {
            if (shown.Count > 0)
            {
                var table = new TextTable("Change", "Host", "Name", "Before", "After");
                foreach (var change in shown)
                {
                    table.Add(Label(change.Kind), change.HostKey, change.Name, change.Before?.ToString() ?? "-", change.After?.ToString() ?? "-");
                }

                await table.WriteAsync(output).ConfigureAwait(false);
            }

            var counts = string.Join(", ", changes.Changes.Where(c => c.Kind != ChangeKind.StillFailing).GroupBy(c => c.Kind).OrderBy(g => g.Key)
                .Select(g => $"{g.Count()} {Label(g.Key).ToLowerInvariant()}"));
            var stillFailing = changes.Changes.Count(c => c.Kind == ChangeKind.StillFailing);
            var baseline = changes.SinceRunId is null ? "no earlier completed run" : since is null ? $"{changes.SinceRunId} (the latest completed run before it)" : changes.SinceRunId;
            await parse.InvocationConfiguration.Error.WriteLineAsync(
                $"{changes.RunId} against {baseline}: {(counts.Length == 0 ? "no changes" : counts)}{(stillFailing == 0 ? string.Empty : $"; {stillFailing} still failing{(all ? string.Empty : " (--all lists them)")}")}")
                .ConfigureAwait(false);
        }

        return changes.Changes.Any(c => c.Kind is ChangeKind.NewProblem or ChangeKind.VerdictChanged) ? ExitCodes.Findings : ExitCodes.Ok;
    }

    private static string Label(ChangeKind kind) => kind switch
    {
        ChangeKind.NewProblem => "New problem",
        ChangeKind.Recovered => "Recovered",
        ChangeKind.VerdictChanged => "Verdict changed",
        ChangeKind.StillFailing => "Still failing",
        ChangeKind.Added => "Added",
        ChangeKind.Removed => "Removed",
        _ => kind.ToString(),
    };
}
