using System.Collections.Immutable;
using System.Data.Common;
using System.Globalization;
using Dapper;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Inventory;
using ExchangeSmtpFleet.Core.Storage;

namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>
/// What the stores of every dialect share: the reads (Dapper, one statement each, the dialect's SQL) and how rows become
/// the read models. A dialect supplies its connection, its statements, its schema runner, its sink and its error texts.
/// </summary>
public abstract partial class AuditStoreBase : IAuditStore, IRunLedger
{
    private bool _migrated;

    /// <inheritdoc/>
    public abstract string Description { get; }

    /// <summary>The dialect's read statements.</summary>
    private protected abstract StoreQueries Queries { get; }

    /// <inheritdoc/>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await MigrateAsync(connection, cancellationToken).ConfigureAwait(false);
        _migrated = true;
    }

    /// <inheritdoc/>
    public abstract IResultSink CreateSink(InventoryReadResult inventory);

    /// <inheritdoc/>
    public Task<IReadOnlyList<StoredRun>> ListRunsAsync(int limit, CancellationToken cancellationToken) =>
        ReadAsync(async connection =>
        {
            var rows = await connection.QueryAsync<RunRow>(new CommandDefinition(Queries.ListRuns, new { limit }, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return (IReadOnlyList<StoredRun>)await WithCountsAsync(connection, rows, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <inheritdoc/>
    public Task<StoredRun?> LatestCompletedRunAsync(CancellationToken cancellationToken) =>
        ReadAsync(async connection =>
        {
            var rows = await connection.QueryAsync<RunRow>(new CommandDefinition(Queries.LatestCompletedRun, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return (await WithCountsAsync(connection, rows, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
        }, cancellationToken);

    /// <inheritdoc/>
    public Task<StoredRun?> FindRunAsync(string runId, CancellationToken cancellationToken) =>
        ReadAsync(async connection =>
        {
            var sql = string.Equals(runId, "latest", StringComparison.OrdinalIgnoreCase) ? Queries.LatestRun : Queries.FindRun;
            var rows = await connection.QueryAsync<RunRow>(new CommandDefinition(sql, new { runId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return (await WithCountsAsync(connection, rows, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
        }, cancellationToken);

    /// <inheritdoc/>
    public async IAsyncEnumerable<StoredResult> ReadResultsAsync(string runId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var r in StreamAsync<ResultRow>(Queries.ResultsOfRun, new { runId }, cancellationToken).ConfigureAwait(false))
        {
            yield return new StoredResult(
                r.host_key, r.host, (int)r.port, r.name, r.site, r.owner, r.profile, Enum.Parse<Verdict>(r.verdict), Enum.Parse<Reason>(r.reason), r.family,
                r.banner, StoredText.ParseList(r.missing), r.detail, Timestamp(r.probed_at),
                r.previous_verdict is null ? null : Enum.Parse<Verdict>(r.previous_verdict), r.verdict_since is null ? null : Timestamp(r.verdict_since));
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<(string HostKey, ImmutableArray<string> Keywords)> ReadKeywordsAsync(
        string runId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // One row per keyword, host by host: a host ends where the next begins.
        string? host = null;
        var keywords = ImmutableArray.CreateBuilder<string>();
        await foreach (var row in StreamAsync<KeywordRow>(Queries.KeywordsOfRun, new { runId }, cancellationToken).ConfigureAwait(false))
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

    /// <inheritdoc/>
    public async IAsyncEnumerable<StoredEvidence> ReadEvidenceAsync(string runId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // One row per finding (or one without), host by host: a host ends where the next begins.
        EvidenceRow? current = null;
        var findings = ImmutableArray.CreateBuilder<string>();
        await foreach (var row in StreamAsync<EvidenceRow>(Queries.EvidenceOfRun, new { runId }, cancellationToken).ConfigureAwait(false))
        {
            if (current is not null && row.host_key != current.host_key)
            {
                yield return Evidence(current, findings);
            }

            current = row;
            if (row.code is not null)
            {
                findings.Add($"[{row.severity}] {row.code}: {row.message}");
            }
        }

        if (current is not null)
        {
            yield return Evidence(current, findings);
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<StoredProblem>> InventoryProblemsAsync(string runId, CancellationToken cancellationToken) =>
        ReadAsync(async connection => (IReadOnlyList<StoredProblem>)[.. (await connection.QueryAsync<ProblemRow>(new CommandDefinition(
            Queries.ProblemsOfRun, new { runId }, cancellationToken: cancellationToken)).ConfigureAwait(false))
            .Select(p => new StoredProblem((int)p.line_number, p.reason, p.raw_text))], cancellationToken);

    /// <inheritdoc/>
    public Task<DateTimeOffset?> MailedAtAsync(string runId, CancellationToken cancellationToken) =>
        ReadAsync(async connection =>
        {
            var sent = await connection.ExecuteScalarAsync<object?>(new CommandDefinition(Queries.MailedAt, new { runId }, cancellationToken: cancellationToken))
                .ConfigureAwait(false);
            return sent is null or DBNull ? (DateTimeOffset?)null : Timestamp(sent);
        }, cancellationToken);

    /// <inheritdoc/>
    public async Task RecordMailedAsync(string runId, DateTimeOffset sentAt, string recipients, CancellationToken cancellationToken)
    {
        await using var connection = await OpenMigratedAsync(cancellationToken).ConfigureAwait(false);
        await Guard(() => connection.ExecuteAsync(new CommandDefinition(
            Queries.RecordMailed, new { runId, sentAt = ToDatabase(sentAt), recipients }, cancellationToken: cancellationToken)), "record the mail").ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<HostHistoryEntry>> HistoryAsync(string hostKey, int limit, CancellationToken cancellationToken) =>
        ReadAsync(async connection =>
        {
            var rows = await connection.QueryAsync<HistoryRow>(new CommandDefinition(Queries.History, new { hostKey, limit }, cancellationToken: cancellationToken))
                .ConfigureAwait(false);
            return (IReadOnlyList<HostHistoryEntry>)[.. rows.Select(r => new HostHistoryEntry(
                r.run_id, Timestamp(r.started_at), Enum.Parse<Verdict>(r.verdict), Enum.Parse<Reason>(r.reason), StoredText.ParseList(r.missing)))];
        }, cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<LackingHost>> LackingAsync(string runId, string keyword, CancellationToken cancellationToken) =>
        ReadAsync(async connection =>
        {
            ArgumentNullException.ThrowIfNull(keyword);
            var rows = await connection.QueryAsync<LackingRow>(new CommandDefinition(
                Queries.Lacking, new { runId, keyword = keyword.Trim().ToUpperInvariant() }, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return (IReadOnlyList<LackingHost>)[.. rows.Select(r => new LackingHost(r.host_key, r.name, Enum.Parse<Verdict>(r.verdict), r.family))];
        }, cancellationToken);

    /// <inheritdoc/>
    public Task<RunChanges> ChangesAsync(string runId, string? sinceRunId, CancellationToken cancellationToken) =>
        ReadAsync(async connection =>
        {
            sinceRunId ??= await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(Queries.RunBefore, new { runId }, cancellationToken: cancellationToken))
                .ConfigureAwait(false);
            var after = await VerdictsAsync(connection, runId, cancellationToken).ConfigureAwait(false);
            var before = sinceRunId is null ? [] : await VerdictsAsync(connection, sinceRunId, cancellationToken).ConfigureAwait(false);
            var changes = after.Keys.Union(before.Keys, StringComparer.Ordinal)
                .Select(key =>
                {
                    var had = before.TryGetValue(key, out var b);
                    var has = after.TryGetValue(key, out var a);
                    return HostChange.Between(key, has ? a.Name : b.Name, had ? b.Verdict : null, has ? a.Verdict : null);
                })
                .OfType<HostChange>()
                .OrderBy(c => c.Kind)
                .ThenBy(c => c.HostKey, StringComparer.Ordinal)
                .ToImmutableArray();
            return new RunChanges(runId, sinceRunId, changes);
        }, cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<string>> HostsWithoutResultAsync(string runId, CancellationToken cancellationToken) =>
        ReadAsync(async connection => (IReadOnlyList<string>)[.. await connection.QueryAsync<string>(new CommandDefinition(
            Queries.HostsWithoutResult, new { runId }, cancellationToken: cancellationToken)).ConfigureAwait(false)], cancellationToken);

    /// <inheritdoc/>
    public async Task<int> PruneTranscriptsAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = await OpenMigratedAsync(cancellationToken).ConfigureAwait(false);
        return await Guard(() => connection.ExecuteAsync(new CommandDefinition(
            Queries.PruneTranscripts, new { before = ToDatabase(before) }, cancellationToken: cancellationToken)), "drop old transcripts").ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task<int> PruneRunsAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            var runs = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                Queries.CountRunsBefore, new { before = ToDatabase(before) }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition(
                Queries.PruneRuns, new { before = ToDatabase(before) }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return (int)runs;
        }, "delete old runs", cancellationToken);

    /// <summary>An open connection with the schema in place.</summary>
    internal async Task<DbConnection> OpenMigratedAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_migrated)
            {
                await MigrateAsync(connection, cancellationToken).ConfigureAwait(false);
                _migrated = true;
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Runs <paramref name="action"/>, turning a database error into one line that names the database.</summary>
    internal async Task<T> Guard<T>(Func<Task<T>> action, string what)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (DbException e)
        {
            throw Explain(e, what);
        }
    }

    /// <summary>One line for a provider error: which database, what failed, what to do.</summary>
    private protected abstract StoreException Explain(DbException error, string what);

    /// <summary>Opens a connection (folder, pragmas, retry logic: whatever the dialect needs).</summary>
    private protected abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Applies the dialect's schema scripts that the journal does not list yet.</summary>
    private protected abstract Task MigrateAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Refuses a database whose journal names a script this build does not have: a newer esfleet made it.</summary>
    private protected void RefuseNewerSchema(IReadOnlySet<string> applied, IReadOnlyList<(string Name, string Text)> scripts)
    {
        var unknown = applied.Except(scripts.Select(s => s.Name), StringComparer.Ordinal).Order(StringComparer.Ordinal).FirstOrDefault();
        if (unknown is not null)
        {
            throw new StoreException(
                $"{Description}: its schema is newer than this esfleet (script {unknown} is not known to version {typeof(AuditStoreBase).Assembly.GetName().Version}): use the newer esfleet");
        }
    }

    /// <summary>A timestamp as the dialect stores it.</summary>
    private protected abstract object ToDatabase(DateTimeOffset value);

    /// <summary>A timestamp as a provider returns it: text in SQLite, <see cref="DateTime"/> (UTC) in SQL Server.</summary>
    private protected static DateTimeOffset Timestamp(object value) => value switch
    {
        string text => StoredText.ParseTimestamp(text),
        DateTime time => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)),
        DateTimeOffset offset => offset,
        _ => throw new InvalidCastException(string.Create(CultureInfo.InvariantCulture, $"not a timestamp: {value.GetType()}")),
    };

    private static StoredEvidence Evidence(EvidenceRow row, ImmutableArray<string>.Builder findings)
    {
        var evidence = new StoredEvidence(
            row.host_key, row.family_evidence, row.version, row.greeting, StoredText.ParseList(row.unexpected), row.tls, row.address, (int)row.attempts,
            row.connect_ms, row.banner_ms, row.ehlo_ms, row.tls_ms, row.total_ms, findings.ToImmutable(), row.transcript);
        findings.Clear();
        return evidence;
    }

    /// <summary>Streams the rows of a query one at a time (no other command runs on its connection meanwhile), errors explained.</summary>
    private async IAsyncEnumerable<TRow> StreamAsync<TRow>(string sql, object parameters, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenMigratedAsync(cancellationToken).ConfigureAwait(false);
        var enumerator = connection.QueryUnbufferedAsync<TRow>(sql, parameters).GetAsyncEnumerator(cancellationToken);
        await using var rows = enumerator.ConfigureAwait(false);
        while (true)
        {
            bool more;
            try
            {
                more = await enumerator.MoveNextAsync().ConfigureAwait(false);
            }
            catch (DbException e)
            {
                throw Explain(e, "read");
            }

            if (!more)
            {
                yield break;
            }

            yield return enumerator.Current;
        }
    }

    /// <summary>One statement (or a few) in a transaction of its own on a fresh connection.</summary>
    private async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> write, string what, CancellationToken cancellationToken)
    {
        await using var connection = await OpenMigratedAsync(cancellationToken).ConfigureAwait(false);
        return await Guard(async () =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var result = await write(connection, transaction).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return result;
        }, what).ConfigureAwait(false);
    }

    private async Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> query, CancellationToken cancellationToken)
    {
        await using var connection = await OpenMigratedAsync(cancellationToken).ConfigureAwait(false);
        return await Guard(() => query(connection), "read").ConfigureAwait(false);
    }

    private async Task<List<StoredRun>> WithCountsAsync(DbConnection connection, IEnumerable<RunRow> runs, CancellationToken cancellationToken)
    {
        var result = new List<StoredRun>();
        foreach (var run in runs)
        {
            var counts = (await connection.QueryAsync<CountRow>(new CommandDefinition(Queries.CountsOfRun, new { run.run_id }, cancellationToken: cancellationToken))
                .ConfigureAwait(false)).ToDictionary(c => Enum.Parse<Verdict>(c.verdict), c => (int)c.hosts);
            result.Add(new StoredRun(
                run.run_id, run.kind, Timestamp(run.started_at), run.finished_at is null ? null : Timestamp(run.finished_at),
                Enum.Parse<AuditRunStatus>(run.status), run.inventory_path, (int)run.host_count, run.tool_version,
                [.. Enum.GetValues<Verdict>().Select(v => KeyValuePair.Create(v, counts.GetValueOrDefault(v)))]));
        }

        return result;
    }

    private async Task<Dictionary<string, (Verdict Verdict, string? Name)>> VerdictsAsync(DbConnection connection, string runId, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<VerdictRow>(new CommandDefinition(Queries.Verdicts, new { runId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.ToDictionary(r => r.host_key, r => (Enum.Parse<Verdict>(r.verdict), r.name), StringComparer.Ordinal);
    }

#pragma warning disable IDE1006, SA1300, CA1812 // Dapper fills these (by the schema's column names) with whatever integer type the provider returns.
    private sealed class RunRow
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

    private sealed class CountRow
    {
        public string verdict { get; set; } = string.Empty;

        public long hosts { get; set; }
    }

    private sealed class HistoryRow
    {
        public string run_id { get; set; } = string.Empty;

        public object started_at { get; set; } = string.Empty;

        public string verdict { get; set; } = string.Empty;

        public string reason { get; set; } = string.Empty;

        public string missing { get; set; } = string.Empty;
    }

    private sealed class LackingRow
    {
        public string host_key { get; set; } = string.Empty;

        public string? name { get; set; }

        public string verdict { get; set; } = string.Empty;

        public string family { get; set; } = string.Empty;
    }

    /// <summary>A host's inventory columns (run_hosts), which the rows of results and of pending hosts both read.</summary>
    private abstract class InventoryColumns
    {
        public string host_key { get; set; } = string.Empty;

        public string host { get; set; } = string.Empty;

        public long port { get; set; }

        public string? name { get; set; }

        public string? site { get; set; }

        public string? owner { get; set; }

        public string profile { get; set; } = string.Empty;
    }

    private sealed class ResultRow : InventoryColumns
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

    private sealed class EvidenceRow
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

    private sealed class ProblemRow
    {
        public long line_number { get; set; }

        public string reason { get; set; } = string.Empty;

        public string? raw_text { get; set; }
    }

    private sealed class KeywordRow
    {
        public string host_key { get; set; } = string.Empty;

        public string name { get; set; } = string.Empty;
    }

    private sealed class VerdictRow
    {
        public string host_key { get; set; } = string.Empty;

        public string? name { get; set; }

        public string verdict { get; set; } = string.Empty;
    }
#pragma warning restore IDE1006, SA1300
}
