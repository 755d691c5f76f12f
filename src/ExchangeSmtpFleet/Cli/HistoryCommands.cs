using System.CommandLine;
using System.Globalization;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Inventory;
using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Hosting;
using ExchangeSmtpFleet.Infrastructure.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace ExchangeSmtpFleet.Cli;

/// <summary>The commands that read the stored history: <c>runs</c>, <c>history</c>, <c>lacking</c>, <c>changes</c>, <c>db</c>.</summary>
internal static class HistoryCommands
{
    public static IEnumerable<Command> Create(CliContext context) => [Runs(context), History(context), Lacking(context), Changes(context), Db(context)];

    private static Command Runs(CliContext context)
    {
        var json = Json();
        var limit = NumberOptions.Integer("--limit", "Most runs, newest first (default 20).", 1, 100_000);
        var db = new StoreOptions();
        var command = new Command("runs", "List the stored runs, newest first, with their counts per verdict.") { json, limit };
        db.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var store = Store(context, parse, db, out var host);
            using (host)
            {
                var runs = await store.ListRunsAsync(parse.GetValue(limit) ?? 20, cancellationToken).ConfigureAwait(false);
                var output = parse.InvocationConfiguration.Output;
                foreach (var run in runs)
                {
                    await output.WriteLineAsync(parse.GetValue(json) ? RunJson(run) : RunText(run)).ConfigureAwait(false);
                }

                if (runs.Count == 0 && !parse.GetValue(json))
                {
                    await output.WriteLineAsync($"no runs stored in {store.Description}").ConfigureAwait(false);
                }

                return ExitCodes.Ok;
            }
        });
        return command;
    }

    private static Command History(CliContext context)
    {
        var target = new Argument<string>("HOST[:PORT]") { Description = "The host as the inventory names it, with its port when not 25." };
        var json = Json();
        var limit = NumberOptions.Integer("--limit", "Most runs, newest first (default 30).", 1, 100_000);
        var db = new StoreOptions();
        var command = new Command("history", "One line per stored run with the host's verdict, reason and missing keywords.") { target, json, limit };
        db.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            if (!HostPort.TryParse(parse.GetValue(target)!, out var hostName, out var port, out var problem))
            {
                await error.WriteLineAsync($"esfleet history: {problem}").ConfigureAwait(false);
                return ExitCodes.Error;
            }

            var store = Store(context, parse, db, out var host);
            using (host)
            {
                var key = HostKey.For(hostName, port);
                var entries = await store.HistoryAsync(key, parse.GetValue(limit) ?? 30, cancellationToken).ConfigureAwait(false);
                var output = parse.InvocationConfiguration.Output;
                foreach (var entry in entries)
                {
                    await output.WriteLineAsync(parse.GetValue(json)
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

                if (entries.Count == 0)
                {
                    await error.WriteLineAsync($"esfleet history: {key} has no stored result in {store.Description}").ConfigureAwait(false);
                    return ExitCodes.Findings;
                }

                return ExitCodes.Ok;
            }
        });
        return command;
    }

    private static Command Lacking(CliContext context)
    {
        var keyword = new Argument<string>("KEYWORD") { Description = "An ESMTP keyword, e.g. XEXCH50 (case-insensitive)." };
        var run = RunOption();
        var json = Json();
        var db = new StoreOptions();
        var command = new Command("lacking", "The hosts of a run that answered EHLO without advertising KEYWORD. Exit 1 when there are any.") { keyword, run, json };
        db.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var store = Store(context, parse, db, out var host);
            using (host)
            {
                if (await FindRunAsync(store, parse.GetValue(run)!, parse, "lacking", cancellationToken).ConfigureAwait(false) is not { } found)
                {
                    return ExitCodes.Error;
                }

                var name = parse.GetValue(keyword)!.Trim().ToUpperInvariant();
                var hosts = await store.LackingAsync(found.RunId, name, cancellationToken).ConfigureAwait(false);
                var output = parse.InvocationConfiguration.Output;
                foreach (var lacking in hosts)
                {
                    await output.WriteLineAsync(parse.GetValue(json)
                        ? ResultJson.Line(w =>
                        {
                            w.WriteString("runId", found.RunId);
                            w.WriteString("keyword", name);
                            w.WriteString("host", lacking.HostKey);
                            w.WriteString("name", lacking.Name);
                            w.WriteString("verdict", lacking.Verdict.ToString());
                            w.WriteString("family", lacking.Family);
                        })
                        : $"{lacking.HostKey,-28} {lacking.Name ?? "-",-28} {lacking.Verdict,-28} {lacking.Family}").ConfigureAwait(false);
                }

                if (!parse.GetValue(json))
                {
                    await parse.InvocationConfiguration.Error.WriteLineAsync(
                        $"{found.RunId}: {hosts.Count} hosts answered EHLO without {name}").ConfigureAwait(false);
                }

                return hosts.Count == 0 ? ExitCodes.Ok : ExitCodes.Findings;
            }
        });
        return command;
    }

    private static Command Changes(CliContext context)
    {
        var run = RunOption();
        var since = new Option<string?>("--since") { Description = "The earlier run to compare with (default: the run before)." };
        var json = Json();
        var db = new StoreOptions();
        var command = new Command("changes", "What changed against the previous (or a given) run: new problems, recovered, still failing, added, removed.")
        {
            run, since, json,
        };
        db.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var store = Store(context, parse, db, out var host);
            using (host)
            {
                if (await FindRunAsync(store, parse.GetValue(run)!, parse, "changes", cancellationToken).ConfigureAwait(false) is not { } found)
                {
                    return ExitCodes.Error;
                }

                string? sinceId = null;
                if (parse.GetValue(since) is { } sinceText)
                {
                    if (await FindRunAsync(store, sinceText, parse, "changes", cancellationToken).ConfigureAwait(false) is not { } earlier)
                    {
                        return ExitCodes.Error;
                    }

                    sinceId = earlier.RunId;
                }

                var changes = await store.ChangesAsync(found.RunId, sinceId, cancellationToken).ConfigureAwait(false);
                var output = parse.InvocationConfiguration.Output;
                foreach (var change in changes.Changes)
                {
                    await output.WriteLineAsync(parse.GetValue(json)
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

                if (!parse.GetValue(json))
                {
                    var counts = string.Join(", ", changes.Changes.GroupBy(c => c.Kind).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key}"));
                    await parse.InvocationConfiguration.Error.WriteLineAsync(
                        $"{changes.RunId} against {changes.SinceRunId ?? "no earlier run"}: {(counts.Length == 0 ? "no changes" : counts)}").ConfigureAwait(false);
                }

                return changes.Changes.Any(c => c.Kind is ChangeKind.NewProblem or ChangeKind.VerdictChanged) ? ExitCodes.Findings : ExitCodes.Ok;
            }
        });
        return command;
    }

    private static Command Db(CliContext context)
    {
        var db = new StoreOptions();
        var migrate = new Command("migrate", "Create or upgrade the schema of the database (scans do it too); running it again changes nothing.");
        db.AddTo(migrate);
        migrate.SetAction(async (parse, cancellationToken) =>
        {
            var store = Store(context, parse, db, out var host);
            using (host)
            {
                await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
                await parse.InvocationConfiguration.Output.WriteLineAsync($"{store.Description}: schema up to date").ConfigureAwait(false);
                return ExitCodes.Ok;
            }
        });

        var pruneDb = new StoreOptions();
        var keepDays = NumberOptions.Integer("--keep-days", "Keep the transcripts of this many days (default Database:KeepTranscriptsDays, 30).", 0, 100_000);
        var keepRunsDays = NumberOptions.Integer("--keep-runs-days", "Also delete whole runs older than this many days (default Database:KeepRunsDays; none: keep them).", 1, 100_000);
        var prune = new Command("prune", "Drop the transcripts of old runs (verdicts, keywords and findings stay); with --keep-runs-days, old runs as a whole.")
        {
            keepDays, keepRunsDays,
        };
        pruneDb.AddTo(prune);
        prune.SetAction(async (parse, cancellationToken) =>
        {
            var store = Store(context, parse, pruneDb, out var host);
            using (host)
            {
                var days = parse.GetValue(keepDays) ?? host.Services.GetRequiredService<DatabaseSettings>().KeepTranscriptsDays;
                var before = context.Time.GetUtcNow().AddDays(-days);
                var dropped = await store.PruneTranscriptsAsync(before, cancellationToken).ConfigureAwait(false);
                await parse.InvocationConfiguration.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{store.Description}: dropped the transcripts of {dropped} results of runs before {before:yyyy-MM-dd HH:mm}Z")).ConfigureAwait(false);
                if ((parse.GetValue(keepRunsDays) ?? host.Services.GetRequiredService<DatabaseSettings>().KeepRunsDays) is { } runDays)
                {
                    var runsBefore = context.Time.GetUtcNow().AddDays(-runDays);
                    var deleted = await store.PruneRunsAsync(runsBefore, cancellationToken).ConfigureAwait(false);
                    await parse.InvocationConfiguration.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"{store.Description}: deleted {deleted} runs that started before {runsBefore:yyyy-MM-dd HH:mm}Z")).ConfigureAwait(false);
                }
                return ExitCodes.Ok;
            }
        });
        var provider = new Option<string>("--provider")
        {
            Description = "The dialect: sqlite or sqlserver (default sqlite).",
            DefaultValueFactory = _ => SchemaScripts.Sqlite,
            Validators =
            {
                r =>
                {
                    if (r.GetValueOrDefault<string>() is not (SchemaScripts.Sqlite or SchemaScripts.SqlServer))
                    {
                        r.AddError($"--provider must be {SchemaScripts.Sqlite} or {SchemaScripts.SqlServer}, not '{r.GetValueOrDefault<string>()}'");
                    }
                },
            },
        };
        var script = new Command("script", "Print the schema scripts, for a DBA who applies them by hand (idempotent, in order).") { provider };
        script.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            foreach (var (name, text) in SchemaScripts.For(parse.GetValue(provider)!))
            {
                await output.WriteLineAsync($"-- esfleet schema script {name}").ConfigureAwait(false);
                await output.WriteLineAsync(text.TrimEnd()).ConfigureAwait(false);
                await output.WriteLineAsync().ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        });
        return new Command("db", "Database commands.") { migrate, prune, script };
    }

    private static Option<bool> Json() => new("--json") { Description = "One JSON object per line." };

    private static Option<string> RunOption() => new("--run")
    {
        Description = "A run id, or latest (the default).",
        DefaultValueFactory = _ => "latest",
    };

    private static IAuditStore Store(CliContext context, ParseResult parse, StoreOptions db, out Microsoft.Extensions.Hosting.IHost host)
    {
        host = context.BuildHost(db.Overrides(parse));
        return host.Services.GetRequiredService<IAuditStore>();
    }

    private static async Task<StoredRun?> FindRunAsync(IAuditStore store, string runId, ParseResult parse, string command, CancellationToken cancellationToken)
    {
        var run = await store.FindRunAsync(runId, cancellationToken).ConfigureAwait(false);
        if (run is null)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync(
                $"esfleet {command}: {(runId == "latest" ? "no run is stored" : $"no run '{runId}'")} in {store.Description} (esfleet runs lists them)").ConfigureAwait(false);
        }

        return run;
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
