using System.CommandLine;
using System.Globalization;
using System.Text;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Inventory;
using ExchangeSmtpFleet.Core.Knowledge;
using ExchangeSmtpFleet.Core.Probing;
using ExchangeSmtpFleet.Core.Storage;
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
    }

    private async Task<int> CheckFleetAsync(IAuditHistory history, StoredRun run, List<string> perf, int floor, string suffix, CancellationToken cancellationToken)
    {
        int Of(Verdict verdict) => run.Counts.FirstOrDefault(c => c.Key == verdict).Value;
        var sinks = Of(Verdict.MissingSinks);
        var metabase = Of(Verdict.SuspectedMetabaseCorruption);
        var changes = await history.ChangesAsync(run.RunId, null, cancellationToken).ConfigureAwait(false);
        // On the first run every finding would be "new": only a run with a baseline says what is new.
        var fresh = changes.SinceRunId is null
            ? 0
            : changes.Changes.Count(c => c.After is { } after && VerdictGroups.NeedsAction(after) && (c.Before is not { } before || !VerdictGroups.NeedsAction(before)));
        perf.Add(Metric("need_action", sinks + metabase));
        perf.Add(Metric("new", fresh));
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
        return await SayAsync(Math.Max(state, floor), text, [Metric("missing", found.Missing.Length)], run).ConfigureAwait(false);
    }

    private async Task<int> SayAsync(int state, string text, List<string> perf, StoredRun? run)
    {
        var output = parse.InvocationConfiguration.Output;
        var name = state switch { Ok => "OK", Warning => "WARNING", Critical => "CRITICAL", _ => "UNKNOWN" };
        if (parse.GetValue(definition.Json))
        {
            await output.WriteLineAsync(ResultJson.Line(w =>
            {
                w.WriteString("status", name);
                w.WriteNumber("exitCode", state);
                w.WriteString("text", text);
                w.WriteString("runId", run?.RunId);
                w.WriteStartObject("perfdata");
                foreach (var metric in perf)
                {
                    var (label, value) = (metric[..metric.IndexOf('=', StringComparison.Ordinal)], metric[(metric.IndexOf('=', StringComparison.Ordinal) + 1)..].Split(';')[0]);
                    w.WriteNumber(label, double.Parse(value.TrimEnd('s'), CultureInfo.InvariantCulture));
                }

                w.WriteEndObject();
            })).ConfigureAwait(false);
        }
        else
        {
            var line = new StringBuilder($"ESFLEET {name} - {TranscriptText.Escape(text).Replace('|', '/')}");
            if (perf.Count > 0)
            {
                line.Append(" | ").Append(string.Join(' ', perf));
            }

            await output.WriteLineAsync(line.ToString()).ConfigureAwait(false);
        }

        return state;
    }

    /// <summary>Whether <paramref name="target"/> names a port: <c>host:25</c>, <c>[::1]:25</c>; a bare IPv6 address has none.</summary>
    private static bool HasPort(string target) =>
        target.StartsWith('[') ? target.Contains("]:", StringComparison.Ordinal) : target.Count(c => c == ':') == 1;

    private static List<string> Perfdata(StoredRun run, TimeSpan age, TimeSpan warningAge, TimeSpan criticalAge)
    {
        var perf = run.Counts.Select(c => Metric(Snake(c.Key), c.Value)).ToList();
        perf.Add(string.Create(CultureInfo.InvariantCulture, $"age={age.TotalSeconds:0}s;{warningAge.TotalSeconds:0};{criticalAge.TotalSeconds:0};0"));
        return perf;
    }

    private static string Metric(string label, int value) => string.Create(CultureInfo.InvariantCulture, $"{label}={value};;;0");

    /// <summary><c>SuspectedMetabaseCorruption</c> → <c>suspected_metabase_corruption</c>.</summary>
    private static string Snake(Verdict verdict) =>
        string.Concat(verdict.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
