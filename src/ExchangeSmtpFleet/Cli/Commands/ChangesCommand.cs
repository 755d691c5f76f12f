using System.CommandLine;
using ExchangeSmtpFleet.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary><c>esfleet changes</c>: what changed between a run and an earlier one.</summary>
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
        var output = parse.InvocationConfiguration.Output;
        var json = parse.GetValue(definition.Json);
        foreach (var change in changes.Changes)
        {
            await output.WriteLineAsync(json
                ? ResultJson.Line(w =>
                {
                    w.WriteString("runId", changes.RunId);
                    w.WriteString("sinceRunId", changes.SinceRunId);
                    w.WriteString("host", change.HostKey);
                    w.WriteString("name", change.Name);
                    w.WriteString("change", change.Kind.ToString());
                    w.WriteString("before", change.Before?.ToString());
                    w.WriteString("after", change.After?.ToString());
                })
                : $"{change.Kind,-15} {change.HostKey,-28} {change.Name ?? "-",-28} {change.Before?.ToString() ?? "-"} -> {change.After?.ToString() ?? "-"}")
                .ConfigureAwait(false);
        }

        if (!json)
        {
            var counts = string.Join(", ", changes.Changes.GroupBy(c => c.Kind).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key}"));
            await parse.InvocationConfiguration.Error.WriteLineAsync(
                $"{changes.RunId} against {changes.SinceRunId ?? "no earlier run"}: {(counts.Length == 0 ? "no changes" : counts)}").ConfigureAwait(false);
        }

        return changes.Changes.Any(c => c.Kind is ChangeKind.NewProblem or ChangeKind.VerdictChanged) ? ExitCodes.Findings : ExitCodes.Ok;
    }
}
