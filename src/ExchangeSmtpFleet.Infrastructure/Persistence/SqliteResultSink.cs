using System.Buffers;
using ExchangeSmtpFleet.Core.Auditing;
using Microsoft.Data.Sqlite;

namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>
/// Writes a begun run's results to SQLite as they arrive (<see cref="Core.Storage.IRunWriter.OpenResultSink"/>): one
/// transaction per batch, statements prepared once on the connection's handle and reused for every row
/// (<see cref="SqliteStatement"/>; what each step saved is in BENCHMARKS.md). A host written again replaces its result
/// (which names its keyword sets) and its findings, so a retried batch never duplicates anything.
/// </summary>
internal sealed class SqliteResultSink(SqliteDatabase db, string runId, DateTimeOffset startedAt) : IResultSink
{
    private readonly string _runStarted = StoredText.Timestamp(startedAt);
    private SqliteConnection? _connection;
    private Statements? _statements;

    public string Name => db.Description;

    public async Task WriteAsync(IReadOnlyList<HostOutcome> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var connection = _connection ??= await db.OpenSqliteAsync(cancellationToken).ConfigureAwait(false);
        await db.Guard(() =>
        {
            // The batch's transaction by prepared BEGIN/COMMIT statements: a scan hands over a few results at a time, and a
            // SqliteTransaction prepared and ran two commands through a data reader for every batch.
            var statements = _statements ??= new Statements(connection);
            statements.Begin();
            try
            {
                foreach (var outcome in batch)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    statements.Write(runId, _runStarted, outcome);
                }

                statements.Commit();
            }
            catch
            {
                statements.RollBack();
                throw;
            }

            return Task.FromResult(true);
        }, "store results").ConfigureAwait(false);
    }

    /// <summary>Every batch is committed when it is written: nothing is left to do.</summary>
    public Task CompleteAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        _statements?.Dispose();
        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The prepared statements of the write path, made once per sink and reused for every batch.</summary>
    private sealed class Statements(SqliteConnection connection) : IDisposable
    {
        /// <summary>
        /// A host's result, with its verdict in the run before and since when it has had its verdict: two scalar subqueries,
        /// each one seek on (host_key, run_started_at), in the same statement, so that the row is written once (an UPDATE
        /// after the insert wrote every row, transcript and all, a second time). Scalar subqueries, not a join: SQLite
        /// materialised a joined subquery into a temporary table for every row.
        /// </summary>
        private readonly SqliteStatement _result = new(connection,
            """
            INSERT INTO results (run_id, host_key, verdict, reason, family, family_evidence, version, banner, greeting, missing, unexpected,
                                 detail, tls, address, attempts, connect_ms, banner_ms, ehlo_ms, tls_ms, total_ms, probed_at, transcript, run_started_at,
                                 keywords_pre_tls, keywords_post_tls, previous_verdict, verdict_since)
            VALUES (@runId, @hostKey, @verdict, @reason, @family, @familyEvidence, @version, @banner, @greeting, @missing, @unexpected,
                    @detail, @tls, @address, @attempts, @connectMs, @bannerMs, @ehloMs, @tlsMs, @totalMs, @probedAt, @transcript, @runStartedAt,
                    @keywordsPreTls, @keywordsPostTls,
                    (SELECT verdict FROM results WHERE host_key = @hostKey AND run_started_at < @runStartedAt ORDER BY run_started_at DESC LIMIT 1),
                    COALESCE((SELECT CASE WHEN verdict = @verdict THEN COALESCE(verdict_since, run_started_at) END FROM results
                              WHERE host_key = @hostKey AND run_started_at < @runStartedAt ORDER BY run_started_at DESC LIMIT 1), @runStartedAt))
            ON CONFLICT (run_id, host_key) DO UPDATE SET
                verdict = excluded.verdict, reason = excluded.reason, family = excluded.family, family_evidence = excluded.family_evidence,
                version = excluded.version, banner = excluded.banner, greeting = excluded.greeting, missing = excluded.missing,
                unexpected = excluded.unexpected, detail = excluded.detail, tls = excluded.tls, address = excluded.address,
                attempts = excluded.attempts, connect_ms = excluded.connect_ms, banner_ms = excluded.banner_ms, ehlo_ms = excluded.ehlo_ms,
                tls_ms = excluded.tls_ms, total_ms = excluded.total_ms, probed_at = excluded.probed_at, transcript = excluded.transcript,
                run_started_at = excluded.run_started_at, keywords_pre_tls = excluded.keywords_pre_tls, keywords_post_tls = excluded.keywords_post_tls,
                previous_verdict = excluded.previous_verdict, verdict_since = excluded.verdict_since
            """,
            "@runId", "@hostKey", "@verdict", "@reason", "@family", "@familyEvidence", "@version", "@banner", "@greeting", "@missing", "@unexpected",
            "@detail", "@tls", "@address", "@attempts", "@connectMs", "@bannerMs", "@ehloMs", "@tlsMs", "@totalMs", "@probedAt", "@transcript", "@runStartedAt",
            "@keywordsPreTls", "@keywordsPostTls");

        /// <summary>
        /// A keyword set (schema version 5), written the first time a batch names it and ignored when it is stored already:
        /// its id is its content's hash, so the rows of a set never change. The list goes in as one JSON parameter that
        /// json_each turns into rows.
        /// </summary>
        private readonly SqliteStatement _keywordSet = new(connection,
            """
            INSERT OR IGNORE INTO keyword_sets (set_id, position, name, parameters)
            SELECT @setId, CAST(j.key AS INTEGER), json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]') FROM json_each(@keywords) AS j
            """,
            "@setId", "@keywords");

        private const int MaxRememberedSets = 10_000;

        private readonly SqliteStatement _begin = new(connection, "BEGIN IMMEDIATE");

        private readonly SqliteStatement _commit = new(connection, "COMMIT");

        private readonly SqliteStatement _rollBack = new(connection, "ROLLBACK");

        /// <summary>
        /// Keyword sets this sink has seen committed: a set is never changed or deleted once stored (ids are content hashes;
        /// <c>db prune</c> deletes only the per-host sets of upgraded runs), so each is written once per sink, not per batch.
        /// </summary>
        private readonly HashSet<string> _committedSets = new(StringComparer.Ordinal);

        /// <summary>Sets the open batch has written (remembered when it commits; the next batch starts without them).</summary>
        private readonly HashSet<string> _setsOfBatch = new(StringComparer.Ordinal);

        private readonly ArrayBufferWriter<byte> _keywordsJson = new(2048);

        private readonly ArrayBufferWriter<byte> _utf8 = new(4096);

        private readonly SqliteStatement _finding = new(connection,
            "INSERT INTO findings (run_id, host_key, position, code, severity, arguments, message) VALUES (@runId, @hostKey, @position, @code, @severity, @arguments, @message)",
            "@runId", "@hostKey", "@position", "@code", "@severity", "@arguments", "@message");

        /// <summary>Starts a batch's write transaction; the keyword sets made sure of are forgotten (a new transaction must write what it names).</summary>
        public void Begin()
        {
            _setsOfBatch.Clear();
            _begin.Run();
        }

        public void Commit()
        {
            _commit.Run();
            if (_committedSets.Count > MaxRememberedSets)
            {
                // A fleet of as many keyword lists as hosts: forgetting only costs an INSERT OR IGNORE per set again.
                _committedSets.Clear();
            }

            _committedSets.UnionWith(_setsOfBatch);
        }

        /// <summary>
        /// Undoes a failed batch, if its transaction is still open (SQLite rolls some errors back itself); a rollback that
        /// fails too must not hide the batch's own error, which the caller rethrows.
        /// </summary>
        public void RollBack()
        {
            try
            {
                if (SQLitePCL.raw.sqlite3_get_autocommit(connection.Handle) == 0)
                {
                    _rollBack.Run();
                }
            }
            catch (SqliteException)
            {
                // The batch's error is the one to report; the sink is detached after it.
            }
        }

        /// <summary>
        /// A host's result, keyword sets and findings. A host written again (a retried batch) replaces its row, and the
        /// trigger <c>results_rewritten</c> (schema 5) deletes its old findings before the new ones go in.
        /// </summary>
        public void Write(string runId, string runStarted, HostOutcome outcome)
        {
            var key = outcome.Host.Key;
            var c = outcome.Classification;
            var p = outcome.Probe;
            var pre = KeywordSet(c.Keywords);
            var post = KeywordSet(c.PostTlsKeywords);
            _utf8.Clear();
            StoredText.WriteTranscript(p, _utf8);
            _result.Text(0, runId).Text(1, key).Text(2, c.Verdict.ToString()).Text(3, c.Reason.ToString()).Text(4, c.Family)
                .Text(5, c.FamilyEvidence).Text(6, Core.Storage.StoredLimits.Cut(c.Version, Core.Storage.StoredLimits.Version)).Text(7, c.Banner).Text(8, c.EhloGreeting).Text(9, StoredText.List(c.Missing))
                .Text(10, StoredText.List(c.Unexpected)).Text(11, c.Detail).Text(12, StoredText.Tls(c.Tls)).Text(13, Core.Storage.StoredLimits.Cut(p.Address, Core.Storage.StoredLimits.Address))
                .Integer(14, p.Attempts).Real(15, p.Timings.ConnectMs).Real(16, p.Timings.BannerMs).Real(17, p.Timings.EhloMs)
                .Real(18, p.Timings.TlsMs).Real(19, p.Timings.TotalMs).Text(20, StoredText.Timestamp(p.StartedAt)).Text(21, _utf8.WrittenSpan)
                .Text(22, runStarted).Text(23, pre).Text(24, post).Run();


            for (var i = 0; i < c.Findings.Length; i++)
            {
                var f = c.Findings[i];
                _finding.Text(0, runId).Text(1, key).Integer(2, i).Text(3, f.Code.ToString()).Text(4, f.Severity.ToString())
                    .Text(5, StoredText.List(f.Arguments)).Text(6, f.Message).Run();
            }
        }

        public void Dispose()
        {
            _result.Dispose();
            _keywordSet.Dispose();
            _begin.Dispose();
            _commit.Dispose();
            _rollBack.Dispose();
            _finding.Dispose();
        }

        /// <summary>The id of the host's keyword set of one phase (null without keywords), the set written if this batch has not yet.</summary>
        private string? KeywordSet(System.Collections.Immutable.ImmutableArray<Core.Protocol.EhloKeyword> keywords)
        {
            var id = KeywordSets.Write(keywords, _keywordsJson);
            if (id is not null && !_committedSets.Contains(id) && !_setsOfBatch.Contains(id))
            {
                _setsOfBatch.Add(id);
                _keywordSet.Text(0, id).Text(1, _keywordsJson.WrittenSpan).Run();
            }

            return id;
        }
    }
}
