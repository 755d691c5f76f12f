using System.CommandLine;
using System.Globalization;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary><c>esfleet runs</c>: the stored runs, newest first, with their counts per verdict.</summary>
internal sealed class RunsCommand(RunsCommandDefinition definition, ParseResult parse, CliContext context)
{
    public async Task<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        using var host = StoredRuns.Open(context, parse, definition.Store);
        var history = host.Services.GetRequiredService<IAuditHistory>();
        var runs = await history.ListRunsAsync(parse.GetValue(definition.Limit) ?? 20, cancellationToken).ConfigureAwait(false);
        var output = parse.InvocationConfiguration.Output;
        if (parse.GetValue(definition.Json))
        {
            foreach (var run in runs)
            {
                await output.WriteLineAsync(RunJson(run)).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        }

        if (runs.Count == 0)
        {
            await output.WriteLineAsync($"no runs stored in {history.Description}").ConfigureAwait(false);
            return ExitCodes.Ok;
        }

        var table = new TextTable("Run", "Started (UTC)", "Status", "Hosts", "Need action", "Not checked", "Other", "Healthy");
        foreach (var run in runs)
        {
            int Count(VerdictGroup group) => run.Counts.Where(c => VerdictGroups.Of(c.Key) == group).Sum(c => c.Value);
            table.Add(
                run.RunId, run.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), run.Status.ToString(),
                string.Create(CultureInfo.InvariantCulture, $"{run.Results}/{run.HostCount}"),
                Number(Count(VerdictGroup.NeedsAction)), Number(Count(VerdictGroup.CouldNotCheck)), Number(Count(VerdictGroup.Other)), Number(Count(VerdictGroup.Healthy)));
        }

        await table.WriteAsync(output).ConfigureAwait(false);
        return ExitCodes.Ok;
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string RunJson(StoredRun run) => ResultJson.Line(w =>
    {
        w.WriteString("runId", run.RunId);
        w.WriteString("kind", run.Kind);
        w.WriteString("startedAt", run.StartedAt);
        if (run.FinishedAt is { } finished)
        {
            w.WriteString("finishedAt", finished);
        }
        else
        {
            w.WriteNull("finishedAt");
        }

        w.WriteString("status", run.Status.ToString());
        w.WriteString("inventory", run.InventoryPath);
        w.WriteNumber("hosts", run.HostCount);
        w.WriteNumber("results", run.Results);
        w.WriteString("toolVersion", run.ToolVersion);
        w.WriteStartObject("counts");
        foreach (var (verdict, count) in run.Counts)
        {
            w.WriteNumber(verdict.ToString(), count);
        }

        w.WriteEndObject();
    });
}
