using System.CommandLine;
using System.Globalization;
using ExchangeSmtpFleet.Core.Inventory;
using ExchangeSmtpFleet.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary><c>esfleet history</c>: one host's verdict in every stored run, newest first.</summary>
internal sealed class HistoryCommand(HistoryCommandDefinition definition, ParseResult parse, CliContext context)
{
    public async Task<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        if (!HostPort.TryParse(parse.GetValue(definition.Target)!, out var hostName, out var port, out var problem))
        {
            throw new CommandException(problem!);
        }

        using var host = StoredRuns.Open(context, parse, definition.Store);
        var history = host.Services.GetRequiredService<IAuditHistory>();
        var key = HostKey.For(hostName, port);
        var entries = await history.HistoryAsync(key, parse.GetValue(definition.Limit) ?? 30, cancellationToken).ConfigureAwait(false);
        var output = parse.InvocationConfiguration.Output;
        foreach (var entry in entries)
        {
            await output.WriteLineAsync(parse.GetValue(definition.Json)
                ? ResultJson.Line(w =>
                {
                    w.WriteString("host", key);
                    w.WriteString("runId", entry.RunId);
                    w.WriteString("startedAt", entry.StartedAt);
                    w.WriteString("verdict", entry.Verdict.ToString());
                    w.WriteString("reason", entry.Reason.ToString());
                    w.WriteStartArray("missing");
                    entry.Missing.ToList().ForEach(w.WriteStringValue);
                    w.WriteEndArray();
                })
                : string.Create(CultureInfo.InvariantCulture,
                    $"{entry.RunId}  {entry.StartedAt:yyyy-MM-dd HH:mm}Z  {entry.Verdict,-28} {entry.Reason,-26} {(entry.Missing.IsEmpty ? "-" : string.Join(", ", entry.Missing))}"))
                .ConfigureAwait(false);
        }

        return entries.Count == 0
            ? throw new CommandException($"{key} has no stored result in {history.Description}", ExitCodes.Findings)
            : ExitCodes.Ok;
    }
}
