using System.CommandLine;
using ExchangeSmtpFleet.Core.Inventory;
using ExchangeSmtpFleet.Core.Knowledge;
using ExchangeSmtpFleet.Core.Profiles;
using ExchangeSmtpFleet.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary><c>esfleet lacking</c>: the hosts of a run that answered EHLO without a keyword, those that skip it on purpose marked.</summary>
internal sealed class LackingCommand(LackingCommandDefinition definition, ParseResult parse, CliContext context)
{
    public async Task<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        var name = parse.GetValue(definition.Keyword)!.Trim().ToUpperInvariant();
        if (name.Length == 0 || name.Any(c => c <= ' ' || c > '~'))
        {
            throw new CommandException($"KEYWORD must be an ESMTP keyword such as XEXCH50, not '{parse.GetValue(definition.Keyword)}'");
        }

        using var host = StoredRuns.Open(context, parse, definition.Store);
        var history = host.Services.GetRequiredService<IAuditHistory>();
        var error = parse.InvocationConfiguration.Error;
        var json = parse.GetValue(definition.Json);
        if (!ProfileCatalog.BuiltIn.AnyKnows(name) && !json)
        {
            await error.WriteLineAsync(
                $"esfleet lacking: warning: no profile knows {Core.Probing.TranscriptText.Escape(name)}, so every host that answered lacks it unless it advertised it anyway (profiles know {string.Join(", ", ProfileCatalog.BuiltIn.KnownKeywords)})")
                .ConfigureAwait(false);
        }

        var run = await StoredRuns.FindAsync(history, parse.GetValue(definition.Run)!, cancellationToken).ConfigureAwait(false);
        var hosts = (await history.LackingAsync(run.RunId, name, cancellationToken).ConfigureAwait(false)).OrderBy(h => h.HostKey, HostKeyComparer.Instance).ToList();
        var output = parse.InvocationConfiguration.Output;
        if (json)
        {
            foreach (var lacking in hosts)
            {
                await output.WriteLineAsync(ResultJson.Line(w =>
                {
                    w.WriteString("runId", run.RunId);
                    w.WriteString("keyword", name);
                    w.WriteString("host", lacking.HostKey);
                    w.WriteString("name", lacking.Name);
                    w.WriteString("verdict", lacking.Verdict.ToString());
                    w.WriteString("family", lacking.Family);
                    w.WriteBoolean("skippedOnPurpose", lacking.SkippedOnPurpose);
                })).ConfigureAwait(false);
            }
        }
        else if (hosts.Count > 0)
        {
            var table = new TextTable("Host", "Name", "Verdict", "Family", "Note");
            foreach (var lacking in hosts)
            {
                table.Add(lacking.HostKey, lacking.Name, lacking.Verdict.ToString(), lacking.Family, lacking.SkippedOnPurpose ? "skipped on purpose (inventory IgnoreVerbs)" : string.Empty);
            }

            await table.WriteAsync(output).ConfigureAwait(false);
        }

        var onPurpose = hosts.Count(h => h.SkippedOnPurpose);
        if (!json)
        {
            await error.WriteLineAsync(
                $"{run.RunId}: {Plural.Of(hosts.Count, "host")} answered EHLO without {name}{(onPurpose > 0 ? $" ({onPurpose} of them on purpose, as their inventory says)" : string.Empty)}")
                .ConfigureAwait(false);
        }

        return hosts.Count > onPurpose ? ExitCodes.Findings : ExitCodes.Ok;
    }
}
