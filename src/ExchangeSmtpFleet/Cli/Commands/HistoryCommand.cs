using System.CommandLine;
using System.Globalization;
using ExchangeSmtpFleet.Core.Inventory;
using ExchangeSmtpFleet.Core.Probing;
using ExchangeSmtpFleet.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary><c>esfleet history</c>: one host's verdict in every stored run, newest first.</summary>
internal sealed class HistoryCommand(HistoryCommandDefinition definition, ParseResult parse, CliContext context)
{
    public async Task<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        var target = parse.GetValue(definition.Target)!;
        if (!HostPort.TryParse(target, out var hostName, out var port, out var problem))
        {
            throw new CommandException(problem!);
        }

        using var host = StoredRuns.Open(context, parse, definition.Store);
        var history = host.Services.GetRequiredService<IAuditHistory>();
        var limit = parse.GetValue(definition.Limit) ?? 30;
        var key = HostKey.For(hostName, port);
        var entries = await history.HistoryAsync(key, limit, cancellationToken).ConfigureAwait(false);
        if (entries.Count == 0 && !target.Contains(':', StringComparison.Ordinal))
        {
            // The inventory's name (exch03.lab.example) rather than the host it connects to (HOST:PORT).
            var named = await history.HostKeysNamedAsync(target, cancellationToken).ConfigureAwait(false);
            if (named.Count > 1)
            {
                throw new CommandException($"{target} is the inventory name of {string.Join(", ", named.Order(HostKeyComparer.Instance))}: name one of them (HOST:PORT)");
            }

            if (named.Count == 1)
            {
                key = named[0];
                entries = await history.HistoryAsync(key, limit, cancellationToken).ConfigureAwait(false);
                await parse.InvocationConfiguration.Error.WriteLineAsync(TranscriptText.ForTerminal($"esfleet history: {target} is the inventory name of {key}")).ConfigureAwait(false);
            }
        }

        if (entries.Count == 0)
        {
            throw new CommandException(
                $"{key} has no stored result in {history.Description} (history takes the host as the inventory's Host column names it, with :PORT when not 25, or its Name)",
                ExitCodes.Findings);
        }

        var output = parse.InvocationConfiguration.Output;
        if (parse.GetValue(definition.Json))
        {
            foreach (var entry in entries)
            {
                await output.WriteLineAsync(ResultJson.Line(w =>
                {
                    w.WriteString("host", key);
                    w.WriteString("runId", entry.RunId);
                    w.WriteString("startedAt", entry.StartedAt);
                    w.WriteString("verdict", entry.Verdict.ToString());
                    w.WriteString("reason", entry.Reason.ToString());
                    w.WriteStartArray("missing");
                    entry.Missing.ToList().ForEach(w.WriteStringValue);
                    w.WriteEndArray();
                })).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        }

        var table = new TextTable("Run", "Started (UTC)", "Verdict", "Reason", "Missing keywords");
        foreach (var entry in entries)
        {
            table.Add(entry.RunId, entry.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), entry.Verdict.ToString(), entry.Reason.ToString(),
                entry.Missing.IsEmpty ? "-" : string.Join(", ", entry.Missing));
        }

        await table.WriteAsync(output).ConfigureAwait(false);
        return ExitCodes.Ok;
    }
}
