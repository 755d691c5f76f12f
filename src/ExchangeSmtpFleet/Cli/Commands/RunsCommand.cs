using System.CommandLine;
using System.Globalization;
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
        var json = parse.GetValue(definition.Json);
        foreach (var run in runs)
        {
            await output.WriteLineAsync(json ? RunJson(run) : RunText(run)).ConfigureAwait(false);
        }

        if (runs.Count == 0 && !json)
        {
            await output.WriteLineAsync($"no runs stored in {history.Description}").ConfigureAwait(false);
        }

        return ExitCodes.Ok;
    }

    private static string RunText(StoredRun run) => string.Create(CultureInfo.InvariantCulture,
        $"{run.RunId}  {run.StartedAt:yyyy-MM-dd HH:mm}Z  {run.Status,-11} {run.Results,6}/{run.HostCount,-6} {string.Join("  ", run.Counts.Where(c => c.Value > 0).Select(c => $"{c.Key} {c.Value}"))}");

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
