using System.Collections.Immutable;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Dapper;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Inventory;
using ExchangeSmtpFleet.Core.Storage;

namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>
/// The rows the reading roles of every dialect get back (Dapper fills them by the schema's column names) and how they
/// become Core's read models: what the dialects share, so that each dialect's class holds only its SQL.
/// </summary>
internal static class StoredRows
{
    /// <summary>The runs of <paramref name="runs"/>, each with its counts per verdict from <paramref name="countsSql"/> (parameter <c>@runId</c>).</summary>
    public static async Task<List<StoredRun>> WithCountsAsync(DbConnection connection, IEnumerable<Run> runs, string countsSql, CancellationToken cancellationToken)
    {
        var result = new List<StoredRun>();
        foreach (var run in runs)
        {
            var counts = (await connection.QueryAsync<Count>(new CommandDefinition(countsSql, new { runId = run.run_id }, cancellationToken: cancellationToken))
                .ConfigureAwait(false)).ToDictionary(c => ParseVerdict(c.verdict), c => (int)c.hosts);
            result.Add(new StoredRun(
                run.run_id, run.kind, StoreDatabase.Timestamp(run.started_at), StoreDatabase.NullableTimestamp(run.finished_at),
                StoredNames.Parse<AuditRunStatus>(run.status, "run status"), run.inventory_path, (int)run.host_count, run.tool_version,
                [.. Enum.GetValues<Verdict>().Select(v => KeyValuePair.Create(v, counts.GetValueOrDefault(v)))]));
        }

        return result;
    }

    /// <summary>A stored verdict by name.</summary>
    public static Verdict ParseVerdict(string name) => StoredNames.Parse<Verdict>(name, "verdict");

    /// <summary>A result row as Core's read model.</summary>
    public static StoredResult ToResult(Result r) => new(
        r.host_key, r.host, (int)r.port, r.name, r.site, r.owner, r.profile, ParseVerdict(r.verdict), StoredNames.Parse<Reason>(r.reason, "reason"), r.family,
        r.banner, StoredText.ParseList(r.missing), r.detail, StoreDatabase.Timestamp(r.probed_at),
        r.previous_verdict is null ? null : ParseVerdict(r.previous_verdict), StoreDatabase.NullableTimestamp(r.verdict_since));

    /// <summary>A history row as Core's read model.</summary>
    public static HostHistoryEntry ToHistoryEntry(History r) => new(
        r.run_id, StoreDatabase.Timestamp(r.started_at), ParseVerdict(r.verdict), StoredNames.Parse<Reason>(r.reason, "reason"), StoredText.ParseList(r.missing));

    /// <summary>A lacking-keyword row as Core's read model: skipped on purpose when the host's IgnoreVerbs name the keyword.</summary>
    public static LackingHost ToLackingHost(Lacking r, string keyword) => new(
        r.host_key, r.name, ParseVerdict(r.verdict), r.family, StoredText.ParseList(r.ignore_verbs).Contains(keyword.Trim(), StringComparer.OrdinalIgnoreCase));

    /// <summary>An inventory problem row as Core's read model.</summary>
    public static StoredProblem ToProblem(Problem p) => new((int)p.line_number, p.reason, p.raw_text);

    /// <summary>A pending host row as the inventory host it was audited for.</summary>
    public static InventoryHost ToInventoryHost(PendingHost r) => new()
    {
        LineNumber = (int)r.line_number,
        Host = r.host,
        Port = (int)r.port,
        Name = r.name,
        Site = r.site,
        Owner = r.owner,
        Profile = r.profile,
        IgnoreVerbs = StoredText.ParseList(r.ignore_verbs),
    };

    /// <summary>A step row as Core's read model.</summary>
    public static RunStep ToStep(Step r) => new(r.step, r.job_id, StoreDatabase.NullableTimestamp(r.done_at));

    /// <summary>A pipeline run row as Core's read model.</summary>
    public static PipelineRun ToPipelineRun(Pipeline row) => new(
        row.run_id, StoreDatabase.Timestamp(row.started_at), StoredNames.Parse<AuditRunStatus>(row.status, "run status"), (int)row.host_count, (int)row.batch_count, (int)row.batch_size);

    /// <summary>What a claim row says to the owner that asked.</summary>
    public static StepClaim ToClaim(Step row, string owner)
    {
        ArgumentNullException.ThrowIfNull(row);
        var kind = row.done_at is not null ? StepClaimKind.Done
            : string.Equals(row.job_id, owner, StringComparison.Ordinal) ? StepClaimKind.Claimed
            : StepClaimKind.Taken;
        return new StepClaim(kind, row.job_id);
    }

    /// <summary>Rows of one keyword each, host by host, as one list per host: a host ends where the next begins.</summary>
    public static async IAsyncEnumerable<(string HostKey, ImmutableArray<string> Keywords)> GroupKeywords(
        IAsyncEnumerable<Keyword> rows, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? host = null;
        var keywords = ImmutableArray.CreateBuilder<string>();
        await foreach (var row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (host is not null && row.host_key != host)
            {
                yield return (host, keywords.ToImmutable());
                keywords.Clear();
            }

            host = row.host_key;
            keywords.Add(row.name);
        }

        if (host is not null)
        {
            yield return (host, keywords.ToImmutable());
        }
    }

    /// <summary>Rows of one finding each (or one without), host by host, as one piece of evidence per host.</summary>
    public static async IAsyncEnumerable<StoredEvidence> GroupEvidence(IAsyncEnumerable<Evidence> rows, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Evidence? current = null;
        var findings = ImmutableArray.CreateBuilder<string>();
        await foreach (var row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (current is not null && row.host_key != current.host_key)
            {
                yield return ToEvidence(current, findings);
            }

            current = row;
            if (row.code is not null)
            {
                findings.Add($"[{row.severity}] {row.code}: {row.message}");
            }
        }

        if (current is not null)
        {
            yield return ToEvidence(current, findings);
        }
    }

    /// <summary>The changes between the verdicts of two runs (<paramref name="before"/> empty when there is no earlier run).</summary>
    public static RunChanges Changes(string runId, string? sinceRunId, IEnumerable<Verdicts> after, IEnumerable<Verdicts> before)
    {
        var later = after.ToDictionary(r => r.host_key, StringComparer.Ordinal);
        var earlier = before.ToDictionary(r => r.host_key, StringComparer.Ordinal);
        var changes = later.Keys.Union(earlier.Keys, StringComparer.Ordinal)
            .Select(key =>
            {
                var had = earlier.TryGetValue(key, out var b);
                var has = later.TryGetValue(key, out var a);
                return HostChange.Between(key, has ? a!.name : b!.name, had ? ParseVerdict(b!.verdict) : null, has ? ParseVerdict(a!.verdict) : null);
            })
            .OfType<HostChange>()
            .OrderBy(c => c.Kind)
            .ThenBy(c => c.HostKey, StringComparer.Ordinal)
            .ToImmutableArray();
        return new RunChanges(runId, sinceRunId, changes);
    }

    private static StoredEvidence ToEvidence(Evidence row, ImmutableArray<string>.Builder findings)
    {
        var evidence = new StoredEvidence(
            row.host_key, row.family_evidence, row.version, row.greeting, StoredText.ParseList(row.unexpected), row.tls, row.address, (int)row.attempts,
            row.connect_ms, row.banner_ms, row.ehlo_ms, row.tls_ms, row.total_ms, findings.ToImmutable(), row.transcript);
        findings.Clear();
        return evidence;
    }

#pragma warning disable IDE1006, SA1300, CA1812 // Dapper fills these (by the schema's column names) with whatever integer type the provider returns.
    internal sealed class Run
    {
        public string run_id { get; set; } = string.Empty;

        public string kind { get; set; } = string.Empty;

        public object started_at { get; set; } = string.Empty;

        public object? finished_at { get; set; }

        public string status { get; set; } = string.Empty;

        public string inventory_path { get; set; } = string.Empty;

        public long host_count { get; set; }

        public string tool_version { get; set; } = string.Empty;
    }

    internal sealed class Count
    {
        public string verdict { get; set; } = string.Empty;

        public long hosts { get; set; }
    }

    internal sealed class History
    {
        public string run_id { get; set; } = string.Empty;

        public object started_at { get; set; } = string.Empty;

        public string verdict { get; set; } = string.Empty;

        public string reason { get; set; } = string.Empty;

        public string missing { get; set; } = string.Empty;
    }

    internal sealed class Lacking
    {
        public string host_key { get; set; } = string.Empty;

        public string? name { get; set; }

        public string verdict { get; set; } = string.Empty;

        public string family { get; set; } = string.Empty;

        public string? ignore_verbs { get; set; }
    }

    /// <summary>A host's inventory columns (run_hosts), which the rows of results and of pending hosts both read.</summary>
    internal abstract class InventoryColumns
    {
        public string host_key { get; set; } = string.Empty;

        public string host { get; set; } = string.Empty;

        public long port { get; set; }

        public string? name { get; set; }

        public string? site { get; set; }

        public string? owner { get; set; }

        public string profile { get; set; } = string.Empty;
    }

    internal sealed class Result : InventoryColumns
    {
        public string verdict { get; set; } = string.Empty;

        public string reason { get; set; } = string.Empty;

        public string family { get; set; } = string.Empty;

        public string? banner { get; set; }

        public string missing { get; set; } = string.Empty;

        public string? detail { get; set; }

        public object probed_at { get; set; } = string.Empty;

        public string? previous_verdict { get; set; }

        public object? verdict_since { get; set; }
    }

    internal sealed class PendingHost : InventoryColumns
    {
        public string ignore_verbs { get; set; } = string.Empty;

        public long line_number { get; set; }
    }

    internal sealed class Evidence
    {
        public string host_key { get; set; } = string.Empty;

        public string family_evidence { get; set; } = string.Empty;

        public string? version { get; set; }

        public string? greeting { get; set; }

        public string unexpected { get; set; } = string.Empty;

        public string? tls { get; set; }

        public string? address { get; set; }

        public long attempts { get; set; }

        public double? connect_ms { get; set; }

        public double? banner_ms { get; set; }

        public double? ehlo_ms { get; set; }

        public double? tls_ms { get; set; }

        public double total_ms { get; set; }

        public string? transcript { get; set; }

        public string? code { get; set; }

        public string? severity { get; set; }

        public string? message { get; set; }
    }

    internal sealed class Problem
    {
        public long line_number { get; set; }

        public string reason { get; set; } = string.Empty;

        public string? raw_text { get; set; }
    }

    internal sealed class Keyword
    {
        public string host_key { get; set; } = string.Empty;

        public string name { get; set; } = string.Empty;
    }

    internal sealed class Verdicts
    {
        public string host_key { get; set; } = string.Empty;

        public string? name { get; set; }

        public string verdict { get; set; } = string.Empty;
    }

    internal sealed class Step
    {
        public string step { get; set; } = string.Empty;

        public string? job_id { get; set; }

        public object? done_at { get; set; }
    }

    internal sealed class Pipeline
    {
        public string run_id { get; set; } = string.Empty;

        public object started_at { get; set; } = string.Empty;

        public string status { get; set; } = string.Empty;

        public long host_count { get; set; }

        public long batch_count { get; set; }

        public long batch_size { get; set; }
    }

    internal sealed class Finished
    {
        public string status { get; set; } = string.Empty;

        public object? finished_at { get; set; }

        public long missing { get; set; }

        public string? first_missing { get; set; }
    }
#pragma warning restore IDE1006, SA1300, CA1812
}
