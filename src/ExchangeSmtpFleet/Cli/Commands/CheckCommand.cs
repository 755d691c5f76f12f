using System.CommandLine;
using System.Globalization;
using System.Text;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Inventory;
using ExchangeSmtpFleet.Core.Knowledge;
using ExchangeSmtpFleet.Core.Probing;
using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary>
/// <c>esfleet check</c>: a monitoring plugin after the Monitoring Plugins Development Guidelines. It reads the latest
/// completed run (it never probes), prints one line <c>ESFLEET STATE - text | perfdata</c> and exits 0 OK, 1 WARNING,
/// 2 CRITICAL, 3 UNKNOWN. CRITICAL when an Exchange server needs action or the run is older than the critical age;
/// WARNING when it is older than the warning age or the newest run failed; UNKNOWN when there is no database or no run.
/// </summary>
internal sealed class CheckCommand(CheckCommandDefinition definition, ParseResult parse, CliContext context)
{
    /// <summary>The Checkmk service of the fleet; a host's is this and its name.</summary>
    private const string FleetService = "Exchange SMTP sinks";

    /// <summary>The exit codes of a monitoring plugin.</summary>
    public const int Ok = 0, Warning = 1, Critical = 2, Unknown = 3;

    public async Task<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        var warningAge = TimeSpan.FromHours(parse.GetValue(definition.WarningAge) ?? 26);
        var criticalAge = TimeSpan.FromHours(parse.GetValue(definition.CriticalAge) ?? 50);
        if (criticalAge <= warningAge)
        {
            return await SayAsync(Unknown, $"--critical-age ({criticalAge.TotalHours:0}) must be more than --warning-age ({warningAge.TotalHours:0})", [], null).ConfigureAwait(false);
        }

        try
        {
            using var host = StoredRuns.Open(context, parse, definition.Store);
            var history = host.Services.GetRequiredService<IAuditHistory>();
            var latest = await history.FindRunAsync("latest", cancellationToken).ConfigureAwait(false);
            var run = await history.LatestCompletedRunAsync(cancellationToken).ConfigureAwait(false);
            if (run is null)
            {
                return await SayAsync(Unknown, latest is null ? $"no audit run is stored in {history.Description}" : $"no audit run has completed yet (the newest, {latest.RunId}, is {latest.Status})", [], null)
                    .ConfigureAwait(false);
            }

            var age = context.Time.GetUtcNow() - (run.FinishedAt ?? run.StartedAt);
            var ageState = age > criticalAge ? Critical : age > warningAge ? Warning : Ok;
            var ageText = age > warningAge ? $"; the latest completed run is {Plural.Rounded(age.TotalHours, "0", "hour")} old" : string.Empty;
            var failed = latest is not null && latest.RunId != run.RunId && latest.Status is AuditRunStatus.Failed or AuditRunStatus.Interrupted
                ? $"; the newest run {latest.RunId} is {latest.Status}"
                : string.Empty;
            var perf = Perfdata(run, age, warningAge, criticalAge);
            return parse.GetValue(definition.Host) is { } target
                ? await CheckHostAsync(history, run, target, Math.Max(ageState, failed.Length > 0 ? Warning : Ok), ageText + failed, cancellationToken).ConfigureAwait(false)
                : await CheckFleetAsync(history, run, perf, Math.Max(ageState, failed.Length > 0 ? Warning : Ok), ageText + failed, cancellationToken).ConfigureAwait(false);
        }
        catch (StoreException e)
        {
            return await SayAsync(Unknown, e.Message, [], null).ConfigureAwait(false);
        }
        catch (ConfigurationProblemException e)
        {
            // A monitoring system reads only this line: a configuration it cannot use is UNKNOWN there, in its format.
            return await SayAsync(Unknown, $"configuration: {string.Join("; ", e.Problems)}", [], null).ConfigureAwait(false);
        }
    }

    private async Task<int> CheckFleetAsync(IAuditHistory history, StoredRun run, List<Metric> perf, int floor, string suffix, CancellationToken cancellationToken)
    {
        int Of(Verdict verdict) => run.Counts.FirstOrDefault(c => c.Key == verdict).Value;
        var sinks = Of(Verdict.MissingSinks);
        var metabase = Of(Verdict.SuspectedMetabaseCorruption);
        var changes = await history.ChangesAsync(run.RunId, null, cancellationToken).ConfigureAwait(false);
        // On the first run every finding would be "new": only a run with a baseline says what is new.
        var fresh = changes.SinceRunId is null
            ? 0
            : changes.Changes.Count(c => c.After is { } after && VerdictGroups.NeedsAction(after) && (c.Before is not { } before || !VerdictGroups.NeedsAction(before)));
        perf.Add(new Metric("need_action", "Need action", sinks + metabase, Critical: 0));
        perf.Add(new Metric("new", "New problems", fresh));
        var notChecked = run.Counts.Where(c => VerdictGroups.Of(c.Key) == VerdictGroup.CouldNotCheck).Sum(c => c.Value);
        string text;
        int state;
        if (sinks + metabase > 0)
        {
            var parts = new List<string>();
            if (sinks > 0)
            {
                parts.Add($"{sinks} sinks not loaded");
            }

            if (metabase > 0)
            {
                parts.Add($"{metabase} metabase");
            }

            text = $"{Plural.Of(sinks + metabase, "Exchange server needs", "Exchange servers need")} action ({string.Join(", ", parts)}{(fresh > 0 ? $"; {fresh} new" : string.Empty)})";
            state = Critical;
        }
        else
        {
            text = $"no Exchange server needs action ({run.Results} of {Plural.Of(run.HostCount, "host")} checked)";
            state = Ok;
        }

        if (notChecked > 0)
        {
            text += $", {Plural.Of(notChecked, "host")} could not be checked";
        }

        return await SayAsync(Math.Max(state, floor), $"{text}{suffix} [run {run.RunId}]", perf, run).ConfigureAwait(false);
    }

    private async Task<int> CheckHostAsync(IAuditHistory history, StoredRun run, string target, int floor, string suffix, CancellationToken cancellationToken)
    {
        // HOST:PORT or an inventory Name match exactly; a bare HOST matches that host on whatever port the inventory gives it.
        var keys = new HashSet<string>(await history.HostKeysNamedAsync(target, cancellationToken).ConfigureAwait(false), StringComparer.OrdinalIgnoreCase);
        string? hostPrefix = null;
        if (HostPort.TryParse(target, out var name, out var port, out _))
        {
            keys.Add(HostKey.For(name, port));
            if (!HasPort(target))
            {
                hostPrefix = HostKey.For(name, port)[..^port.ToString(CultureInfo.InvariantCulture).Length];
            }
        }

        var exact = new List<StoredResult>();
        var onOtherPorts = new List<StoredResult>();
        await foreach (var result in history.ReadResultsAsync(run.RunId, cancellationToken).ConfigureAwait(false))
        {
            if (keys.Contains(result.HostKey))
            {
                exact.Add(result);
            }
            else if (hostPrefix is not null && result.HostKey.StartsWith(hostPrefix, StringComparison.OrdinalIgnoreCase))
            {
                onOtherPorts.Add(result);
            }
        }

        var candidates = exact.Count > 0 ? exact : onOtherPorts;
        if (candidates.Count != 1)
        {
            return await SayAsync(
                Unknown,
                candidates.Count == 0
                    ? $"{target} is not in the latest completed run {run.RunId}"
                    : $"{target} names {candidates.Count} hosts in run {run.RunId} ({string.Join(", ", candidates.Select(c => c.HostKey))}); give HOST:PORT",
                [],
                null).ConfigureAwait(false);
        }

        var found = candidates[0];
        var group = VerdictGroups.Of(found.Verdict);
        var state = group switch { VerdictGroup.Healthy => Ok, VerdictGroup.NeedsAction => Critical, _ => Warning };
        var missing = found.Missing.IsEmpty ? string.Empty : $", missing {string.Join(' ', found.Missing)}";
        var since = found.VerdictSince is { } start ? string.Create(CultureInfo.InvariantCulture, $" since {start.UtcDateTime:yyyy-MM-dd}") : string.Empty;
        var text = $"{found.HostKey}{(found.Name is null ? string.Empty : $" ({found.Name})")}: {Core.Knowledge.KnowledgeBase.BuiltIn.VerdictTitle(found.Verdict, Core.Knowledge.Language.English)}{since}{missing}{suffix}";
        return await SayAsync(Math.Max(state, floor), text, [new Metric("missing", "Missing keywords", found.Missing.Length)], run).ConfigureAwait(false);
    }

    private async Task<int> SayAsync(int state, string text, List<Metric> perf, StoredRun? run)
    {
        var output = parse.InvocationConfiguration.Output;
        var name = state switch { Ok => "OK", Warning => "WARNING", Critical => "CRITICAL", _ => "UNKNOWN" };
        var format = definition.FormatOf(parse);
        await output.WriteLineAsync(format switch
        {
            CheckFormat.Json => ResultJson.Line(w =>
            {
                w.WriteString("status", name);
                w.WriteNumber("exitCode", state);
                w.WriteString("text", text);
                w.WriteString("runId", run?.RunId);
                w.WriteStartObject("perfdata");
                foreach (var metric in perf)
                {
                    w.WriteNumber(metric.Label, metric.Value);
                }

                w.WriteEndObject();
            }),
            CheckFormat.Checkmk => CheckmkLine(state, text, perf),
            CheckFormat.Prtg => PrtgJson(state, text, perf),
            _ => PluginLine(name, text, perf),
        }).ConfigureAwait(false);

        // Checkmk's agent and PRTG's sensor take the state from what is printed; a non-zero exit would read as the script failing.
        return format is CheckFormat.Checkmk or CheckFormat.Prtg ? Ok : state;
    }

    /// <summary>
    /// A command line that does not parse, said to Checkmk or PRTG in their format when the words ask for one (they read
    /// only standard output): true when it was said, and the exit code is then 0.
    /// </summary>
    /// <param name="args">The command line's words.</param>
    /// <param name="problem">What is wrong, one line.</param>
    /// <param name="output">Standard output.</param>
    public static async Task<bool> TrySayParseProblemAsync(IReadOnlyList<string> args, string problem, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        string? format = null;
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--format" && i + 1 < args.Count)
            {
                format = args[i + 1];
            }
            else if (args[i].StartsWith("--format=", StringComparison.Ordinal) || args[i].StartsWith("--format:", StringComparison.Ordinal))
            {
                format = args[i]["--format=".Length..];
            }
        }

        var text = $"esfleet check: {problem}";
        if (string.Equals(format, nameof(CheckFormat.Checkmk), StringComparison.OrdinalIgnoreCase))
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{Unknown} \"{FleetService}\" - {OneLine(text)}")).ConfigureAwait(false);
            return true;
        }

        if (string.Equals(format, nameof(CheckFormat.Prtg), StringComparison.OrdinalIgnoreCase))
        {
            await output.WriteLineAsync(PrtgJson(Unknown, text, [])).ConfigureAwait(false);
            return true;
        }

        return false;
    }

    /// <summary><c>ESFLEET CRITICAL - text | label=value;warn;crit;min ...</c> (Monitoring Plugins Development Guidelines).</summary>
    private static string PluginLine(string name, string text, List<Metric> perf)
    {
        var line = new StringBuilder($"ESFLEET {name} - {OneLine(text)}");
        if (perf.Count > 0)
        {
            line.Append(" | ").Append(string.Join(' ', perf.Select(m => string.Create(
                CultureInfo.InvariantCulture, $"{m.Label}={m.Value}{m.Unit};{m.Warning};{m.Critical};0"))));
        }

        return line.ToString();
    }

    /// <summary>
    /// A Checkmk local check (the agent's <c>local/</c> folder): <c>STATE "service" label=value;warn;crit|... text</c>;
    /// Checkmk's own thresholds are not used, the state is ours.
    /// </summary>
    private string CheckmkLine(int state, string text, List<Metric> perf)
    {
        var service = parse.GetValue(definition.Host) is { } host ? $"{FleetService} {OneLine(host).Replace('"', '_').Replace('\'', '_')}" : FleetService;
        var metrics = perf.Count == 0
            ? "-"
            : string.Join('|', perf.Select(m => m.Warning is null && m.Critical is null
                ? string.Create(CultureInfo.InvariantCulture, $"{m.Label}={m.Value}")
                : string.Create(CultureInfo.InvariantCulture, $"{m.Label}={m.Value};{m.Warning};{m.Critical}")));
        return string.Create(CultureInfo.InvariantCulture, $"{state} \"{service}\" {metrics} {OneLine(text)}");
    }

    /// <summary>
    /// PRTG's EXE/Script Advanced sensor: <c>{"prtg":{"result":[channels],"text":...}}</c>, the state as the first channel
    /// (warning above 0, error above 1), or <c>{"prtg":{"error":1,"text":...}}</c> when the state is unknown.
    /// </summary>
    private static string PrtgJson(int state, string text, List<Metric> perf) => ResultJson.Line(w =>
    {
        w.WriteStartObject("prtg");
        if (state == Unknown)
        {
            w.WriteNumber("error", 1);
        }
        else
        {
            w.WriteStartArray("result");
            WriteChannel(w, new Metric("state", "State", state, Warning: 0, Critical: 1), "Custom");
            foreach (var metric in perf)
            {
                WriteChannel(w, metric, metric.Unit == "s" ? "TimeSeconds" : "Count");
            }

            w.WriteEndArray();
        }

        // PRTG shows at most 2,000 characters of the text.
        var line = OneLine(text);
        w.WriteString("text", line.Length > 2000 ? line[..1999] + "…" : line);
        w.WriteEndObject();
    });

    private static void WriteChannel(System.Text.Json.Utf8JsonWriter w, Metric metric, string unit)
    {
        w.WriteStartObject();
        w.WriteString("channel", metric.Title);
        w.WriteNumber("value", metric.Value);
        w.WriteString("unit", unit);
        if (metric.Warning is not null || metric.Critical is not null)
        {
            w.WriteNumber("limitmode", 1);
            if (metric.Warning is { } warning)
            {
                w.WriteNumber("limitmaxwarning", warning);
            }

            if (metric.Critical is { } critical)
            {
                w.WriteNumber("limitmaxerror", critical);
            }
        }

        w.WriteEndObject();
    }

    /// <summary>Text from the store on one line, without control characters, without the perfdata separator.</summary>
    private static string OneLine(string text) => TranscriptText.Escape(text).Replace('|', '/');

    /// <summary>Whether <paramref name="target"/> names a port: <c>host:25</c>, <c>[::1]:25</c>; a bare IPv6 address has none.</summary>
    private static bool HasPort(string target) =>
        target.StartsWith('[') ? target.Contains("]:", StringComparison.Ordinal) : target.Count(c => c == ':') == 1;

    private static List<Metric> Perfdata(StoredRun run, TimeSpan age, TimeSpan warningAge, TimeSpan criticalAge)
    {
        var perf = run.Counts.Select(c => new Metric(Snake(c.Key), Core.Knowledge.KnowledgeBase.BuiltIn.VerdictTitle(c.Key, Core.Knowledge.Language.English), c.Value)).ToList();
        perf.Add(new Metric("age", "Age of the latest completed run", Math.Round(age.TotalSeconds), "s", Math.Round(warningAge.TotalSeconds), Math.Round(criticalAge.TotalSeconds)));
        return perf;
    }

    /// <summary>One performance value: its label (plugin, Checkmk, JSON), its title (a PRTG channel), its thresholds.</summary>
    private sealed record Metric(string Label, string Title, double Value, string Unit = "", double? Warning = null, double? Critical = null);

    /// <summary><c>SuspectedMetabaseCorruption</c> → <c>suspected_metabase_corruption</c>.</summary>
    private static string Snake(Verdict verdict) =>
        string.Concat(verdict.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
