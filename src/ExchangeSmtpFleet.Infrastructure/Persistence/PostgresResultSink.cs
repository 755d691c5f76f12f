using System.Buffers;
using System.Collections.Immutable;
using System.Data;
using Dapper;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Protocol;
using ExchangeSmtpFleet.Core.Storage;
using Npgsql;
using NpgsqlTypes;

namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>
/// Writes a begun run's results to PostgreSQL as they arrive (<see cref="Core.Storage.IRunWriter.OpenResultSink"/>): each
/// batch is copied (binary COPY) into the connection's temp staging tables and moved by set-based statements (new keyword
/// sets inserted, results upserted with <c>INSERT ... ON CONFLICT</c>, the hosts' findings replaced), never a command per
/// row. A batch is idempotent, so a transient error (the server restarts, the connection drops, a deadlock) is answered by
/// writing it again on a new connection (<see cref="PostgresDatabase.WithRetryAsync{T}"/>). Text longer than its column is
/// cut to it with a mark (<see cref="StoredLimits"/>), as in every dialect.
/// </summary>
internal sealed class PostgresResultSink(PostgresDatabase db, string runId, DateTimeOffset startedAt) : IResultSink
{
    /// <summary>
    /// The staging tables of one connection, emptied by every commit (ON COMMIT DELETE ROWS): the sink's session makes them
    /// once, each batch fills them by COPY and moves them in its transaction. Temp tables need the TEMP right on the database.
    /// </summary>
    internal const string CreateStaging = """
        CREATE TEMP TABLE IF NOT EXISTS staging_results (
            run_id text NOT NULL, host_key text NOT NULL, verdict text NOT NULL, reason text NOT NULL, family text NOT NULL,
            family_evidence text NOT NULL, version text NULL, banner text NULL, greeting text NULL, missing text NOT NULL,
            unexpected text NOT NULL, detail text NULL, tls text NULL, address text NULL, attempts integer NOT NULL,
            connect_ms double precision NULL, banner_ms double precision NULL, ehlo_ms double precision NULL, tls_ms double precision NULL,
            total_ms double precision NOT NULL, probed_at timestamptz NOT NULL, transcript text NULL, run_started_at timestamptz NOT NULL,
            keywords_pre_tls text NULL, keywords_post_tls text NULL) ON COMMIT DELETE ROWS;
        CREATE TEMP TABLE IF NOT EXISTS staging_keyword_sets (
            set_id text NOT NULL, position integer NOT NULL, name text NOT NULL, parameters text NOT NULL) ON COMMIT DELETE ROWS;
        CREATE TEMP TABLE IF NOT EXISTS staging_findings (
            run_id text NOT NULL, host_key text NOT NULL, position integer NOT NULL, code text NOT NULL, severity text NOT NULL,
            arguments text NOT NULL, message text NOT NULL) ON COMMIT DELETE ROWS;
        """;

    private const string CopyResults = """
        COPY staging_results (run_id, host_key, verdict, reason, family, family_evidence, version, banner, greeting, missing, unexpected, detail,
                              tls, address, attempts, connect_ms, banner_ms, ehlo_ms, tls_ms, total_ms, probed_at, transcript, run_started_at,
                              keywords_pre_tls, keywords_post_tls) FROM STDIN (FORMAT BINARY)
        """;

    private const string CopyKeywordSets = "COPY staging_keyword_sets (set_id, position, name, parameters) FROM STDIN (FORMAT BINARY)";

    private const string CopyFindings = "COPY staging_findings (run_id, host_key, position, code, severity, arguments, message) FROM STDIN (FORMAT BINARY)";

    /// <summary>
    /// One batch, set-based. Keyword sets it names that are not stored yet are added (a set never changes: a conflict on its
    /// key means another batch stored the same set, and the unique key makes the two inserts wait for each other instead of
    /// both inserting). Results are upserted, each with its host's verdict in the run before and since when it has had its
    /// verdict, read by one seek each on ix_results_host_time (host_key, run_started_at) in a lateral join; a host written
    /// again (a retried batch) replaces itself. Then the hosts' findings are replaced (no trigger does it on PostgreSQL).
    /// The batch holds each host once (the caller keeps a host's last outcome): ON CONFLICT may not meet a key twice.
    /// </summary>
    private const string MoveStaging = """
        INSERT INTO keyword_sets (set_id, position, name, parameters)
            SELECT set_id, position, name, parameters FROM staging_keyword_sets
        ON CONFLICT (set_id, position) DO NOTHING;
        INSERT INTO results (run_id, host_key, verdict, reason, family, family_evidence, version, banner, greeting, missing, unexpected, detail, tls,
                             address, attempts, connect_ms, banner_ms, ehlo_ms, tls_ms, total_ms, probed_at, transcript, run_started_at,
                             keywords_pre_tls, keywords_post_tls, previous_verdict, verdict_since)
            SELECT s.run_id, s.host_key, s.verdict, s.reason, s.family, s.family_evidence, s.version, s.banner, s.greeting, s.missing, s.unexpected,
                   s.detail, s.tls, s.address, s.attempts, s.connect_ms, s.banner_ms, s.ehlo_ms, s.tls_ms, s.total_ms, s.probed_at, s.transcript,
                   s.run_started_at, s.keywords_pre_tls, s.keywords_post_tls, p.verdict,
                   CASE WHEN p.verdict = s.verdict THEN COALESCE(p.verdict_since, p.run_started_at) ELSE s.run_started_at END
            FROM staging_results AS s
            LEFT JOIN LATERAL (SELECT q.verdict, q.verdict_since, q.run_started_at FROM results AS q
                               WHERE q.host_key = s.host_key AND q.run_started_at < s.run_started_at
                               ORDER BY q.run_started_at DESC LIMIT 1) AS p ON true
        ON CONFLICT (run_id, host_key) DO UPDATE SET
            verdict = excluded.verdict, reason = excluded.reason, family = excluded.family, family_evidence = excluded.family_evidence,
            version = excluded.version, banner = excluded.banner, greeting = excluded.greeting, missing = excluded.missing,
            unexpected = excluded.unexpected, detail = excluded.detail, tls = excluded.tls, address = excluded.address,
            attempts = excluded.attempts, connect_ms = excluded.connect_ms, banner_ms = excluded.banner_ms, ehlo_ms = excluded.ehlo_ms,
            tls_ms = excluded.tls_ms, total_ms = excluded.total_ms, probed_at = excluded.probed_at, transcript = excluded.transcript,
            run_started_at = excluded.run_started_at, keywords_pre_tls = excluded.keywords_pre_tls, keywords_post_tls = excluded.keywords_post_tls,
            previous_verdict = excluded.previous_verdict, verdict_since = excluded.verdict_since;
        DELETE FROM findings AS f USING staging_results AS s WHERE f.run_id = s.run_id AND f.host_key = s.host_key;
        INSERT INTO findings (run_id, host_key, position, code, severity, arguments, message)
            SELECT run_id, host_key, position, code, severity, arguments, message FROM staging_findings;
        """;

    /// <summary>Keyword sets remembered as stored (a fleet with as many lists as hosts forgets them now and then: that only costs sending them again).</summary>
    private const int MaxRememberedSets = 10_000;

    /// <summary>
    /// Keyword sets this sink has seen committed: a set is never changed or deleted once stored (ids are content hashes;
    /// <c>db prune</c> deletes only the per-host sets of upgraded runs), so each is sent once per sink, not once per batch.
    /// </summary>
    private readonly HashSet<string> _committedSets = new(StringComparer.Ordinal);

    private readonly ArrayBufferWriter<byte> _json = new(2048);

    private NpgsqlConnection? _connection;

    public string Name => db.Description;

    public async Task WriteAsync(IReadOnlyList<HostOutcome> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);

        // A host twice in one batch keeps its last outcome: the upsert may not meet a key twice.
        var latest = batch.GroupBy(o => o.Host.Key, StringComparer.Ordinal).Select(g => g.Last()).ToList();
        var sets = await db.WithRetryAsync(async () =>
        {
            var connection = await ConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var named = await CopyAsync(connection, latest, cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition(MoveStaging, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return named;
        }, DropConnectionAsync, "store results", cancellationToken).ConfigureAwait(false);

        if (_committedSets.Count > MaxRememberedSets)
        {
            _committedSets.Clear();
        }

        _committedSets.UnionWith(sets);
    }

    /// <summary>Every batch is committed when it is written: nothing is left to do.</summary>
    public Task CompleteAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask DisposeAsync() => DropConnectionAsync();

    /// <summary>The batch's results, the keyword sets they name that this sink has not stored yet, and their findings into the staging tables; returns the sets sent.</summary>
    private async Task<HashSet<string>> CopyAsync(NpgsqlConnection connection, List<HostOutcome> batch, CancellationToken cancellationToken)
    {
        var named = new HashSet<string>(StringComparer.Ordinal);
        var newSets = new List<(string Id, ImmutableArray<EhloKeyword> Keywords)>();
        string? SetOf(ImmutableArray<EhloKeyword> keywords)
        {
            var id = KeywordSets.Write(keywords, _json);
            if (id is not null && !_committedSets.Contains(id) && named.Add(id))
            {
                newSets.Add((id, keywords));
            }

            return id;
        }

        var runStarted = startedAt.UtcDateTime;
        await using (var copy = await connection.BeginBinaryImportAsync(CopyResults, cancellationToken).ConfigureAwait(false))
        {
            foreach (var outcome in batch)
            {
                var c = outcome.Classification;
                var p = outcome.Probe;
                await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await PostgresCopy.TextAsync(copy, runId, cancellationToken).ConfigureAwait(false);
                await PostgresCopy.TextAsync(copy, outcome.Host.Key, cancellationToken).ConfigureAwait(false);
                await PostgresCopy.TextAsync(copy, c.Verdict.ToString(), cancellationToken).ConfigureAwait(false);
                await PostgresCopy.TextAsync(copy, c.Reason.ToString(), cancellationToken).ConfigureAwait(false);
                await PostgresCopy.TextAsync(copy, c.Family, cancellationToken).ConfigureAwait(false);
                await PostgresCopy.TextAsync(copy, c.FamilyEvidence, cancellationToken).ConfigureAwait(false);
                await PostgresCopy.TextAsync(copy, StoredLimits.Cut(c.Version, StoredLimits.Version), cancellationToken).ConfigureAwait(false);
                await PostgresCopy.TextAsync(copy, c.Banner, cancellationToken).ConfigureAwait(false);
                await PostgresCopy.TextAsync(copy, c.EhloGreeting, cancellationToken).ConfigureAwait(false);
                await PostgresCopy.TextAsync(copy, StoredText.List(c.Missing), cancellationToken).ConfigureAwait(false);
                await PostgresCopy.TextAsync(copy, StoredText.List(c.Unexpected), cancellationToken).ConfigureAwait(false);
                await PostgresCopy.TextAsync(copy, c.Detail, cancellationToken).ConfigureAwait(false);
                await PostgresCopy.TextAsync(copy, StoredText.Tls(c.Tls), cancellationToken).ConfigureAwait(false);
                await PostgresCopy.TextAsync(copy, StoredLimits.Cut(p.Address, StoredLimits.Address), cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(p.Attempts, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                await PostgresCopy.DoubleAsync(copy, p.Timings.ConnectMs, cancellationToken).ConfigureAwait(false);
                await PostgresCopy.DoubleAsync(copy, p.Timings.BannerMs, cancellationToken).ConfigureAwait(false);
                await PostgresCopy.DoubleAsync(copy, p.Timings.EhloMs, cancellationToken).ConfigureAwait(false);
                await PostgresCopy.DoubleAsync(copy, p.Timings.TlsMs, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(p.Timings.TotalMs, NpgsqlDbType.Double, cancellationToken).ConfigureAwait(false);
                await PostgresCopy.TimeAsync(copy, p.StartedAt, cancellationToken).ConfigureAwait(false);
                await PostgresCopy.TextAsync(copy, StoredText.Transcript(p), cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(runStarted, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                await PostgresCopy.TextAsync(copy, SetOf(c.Keywords), cancellationToken).ConfigureAwait(false);
                await PostgresCopy.TextAsync(copy, SetOf(c.PostTlsKeywords), cancellationToken).ConfigureAwait(false);
            }

            await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        if (newSets.Count > 0)
        {
            await using var copy = await connection.BeginBinaryImportAsync(CopyKeywordSets, cancellationToken).ConfigureAwait(false);
            foreach (var (id, keywords) in newSets)
            {
                for (var i = 0; i < keywords.Length; i++)
                {
                    await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
                    await PostgresCopy.TextAsync(copy, id, cancellationToken).ConfigureAwait(false);
                    await copy.WriteAsync(i, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                    await PostgresCopy.TextAsync(copy, KeywordSets.Name(keywords[i]), cancellationToken).ConfigureAwait(false);
                    await PostgresCopy.TextAsync(copy, KeywordSets.Parameters(keywords[i]), cancellationToken).ConfigureAwait(false);
                }
            }

            await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        if (batch.Any(o => !o.Classification.Findings.IsDefaultOrEmpty))
        {
            await using var copy = await connection.BeginBinaryImportAsync(CopyFindings, cancellationToken).ConfigureAwait(false);
            foreach (var outcome in batch)
            {
                var findings = outcome.Classification.Findings;
                for (var i = 0; i < findings.Length; i++)
                {
                    await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
                    await PostgresCopy.TextAsync(copy, runId, cancellationToken).ConfigureAwait(false);
                    await PostgresCopy.TextAsync(copy, outcome.Host.Key, cancellationToken).ConfigureAwait(false);
                    await copy.WriteAsync(i, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                    await PostgresCopy.TextAsync(copy, findings[i].Code.ToString(), cancellationToken).ConfigureAwait(false);
                    await PostgresCopy.TextAsync(copy, findings[i].Severity.ToString(), cancellationToken).ConfigureAwait(false);
                    await PostgresCopy.TextAsync(copy, StoredText.List(findings[i].Arguments), cancellationToken).ConfigureAwait(false);
                    await PostgresCopy.TextAsync(copy, findings[i].Message, cancellationToken).ConfigureAwait(false);
                }
            }

            await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        return named;
    }

    /// <summary>The sink's connection, with its staging temp tables (they live as long as the session).</summary>
    private async Task<NpgsqlConnection> ConnectionAsync(CancellationToken cancellationToken)
    {
        if (_connection is { State: ConnectionState.Open })
        {
            return _connection;
        }

        await DropConnectionAsync().ConfigureAwait(false);
        var connection = await db.OpenNpgsqlAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(CreateStaging, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        _connection = connection;
        return connection;
    }

    private async ValueTask DropConnectionAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
            _connection = null;
        }
    }
}
