using System.Buffers;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Inventory;
using Microsoft.Data.Sqlite;

namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>
/// Stores one run in SQLite as its results arrive: one transaction per batch, statements prepared once on the connection's
/// handle and reused for every row (<see cref="SqliteStatement"/>; what each step saved is in BENCHMARKS.md). A host
/// written again replaces its result (which names its keyword sets) and its findings, so a retried batch never duplicates
/// anything.
/// </summary>
/// <remarks>Without an inventory it is a batch sink: it adds results to a run stored before, stores no run and does not close it.</remarks>
internal sealed class SqliteRunSink(SqliteAuditStore store, InventoryReadResult? inventory) : IResultSink, IAsyncDisposable
{
    private SqliteConnection? _connection;
    private string _runId = string.Empty;
    private string _runStarted = string.Empty;
    private Statements? _statements;

    public string Name => store.Description;

    /// <summary>A database that fails must not cost the scan what it found: the run goes on without it.</summary>
    public SinkFailurePolicy OnFailure => SinkFailurePolicy.Detach;

    public async Task OpenAsync(AuditRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        _runId = run.RunId;
        _runStarted = StoredText.Timestamp(run.StartedAt);
        _connection = (SqliteConnection)await store.OpenMigratedAsync(cancellationToken).ConfigureAwait(false);
        if (inventory is null)
        {
            return;
        }

        await store.Guard(async () =>
        {
            await using var transaction = (SqliteTransaction)await _connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var row = RunParameters.Of(run, inventory, StoredText.Timestamp(run.StartedAt));
            using (var insertRun = new SqliteStatement(_connection,
                """
                INSERT INTO runs (run_id, kind, started_at, finished_at, status, inventory_path, inventory_hash, host_count, problem_count,
                                  disabled_count, concurrency, probe_options, tool_version)
                VALUES ($run, $kind, $started, NULL, $status, $path, $hash, $hosts, $problems, $disabled, $concurrency, $options, $version)
                ON CONFLICT (run_id) DO UPDATE SET status = excluded.status, finished_at = NULL
                """,
                "$run", "$kind", "$started", "$status", "$path", "$hash", "$hosts", "$problems", "$disabled", "$concurrency", "$options", "$version"))
            {
                insertRun.Text(0, row.RunId).Text(1, row.Kind).Text(2, (string)row.StartedAt).Text(3, row.Status).Text(4, row.InventoryPath)
                    .Text(5, row.InventoryHash).Integer(6, row.HostCount).Integer(7, row.ProblemCount).Integer(8, row.DisabledCount)
                    .Integer(9, row.Concurrency).Text(10, row.ProbeOptions).Text(11, row.ToolVersion).Run();
            }

            // The run's inventory snapshot and problems: one prepared statement each, many rows.
            using (var insertHost = new SqliteStatement(_connection,
                """
                INSERT OR REPLACE INTO run_hosts (run_id, host_key, host, port, name, site, owner, profile, ignore_verbs, line_number)
                VALUES ($run, $key, $host, $port, $name, $site, $owner, $profile, $ignore, $line)
                """, "$run", "$key", "$host", "$port", "$name", "$site", "$owner", "$profile", "$ignore", "$line"))
            {
                foreach (var host in inventory.Hosts)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    insertHost.Text(0, _runId).Text(1, host.Key).Text(2, host.Host).Integer(3, host.Port).Text(4, host.Name).Text(5, host.Site)
                        .Text(6, host.Owner).Text(7, host.Profile).Text(8, StoredText.List(host.IgnoreVerbs)).Integer(9, host.LineNumber).Run();
                }
            }

            using (var insertProblem = new SqliteStatement(_connection,
                "INSERT OR REPLACE INTO inventory_problems (run_id, position, line_number, reason, raw_text) VALUES ($run, $position, $line, $reason, $raw)",
                "$run", "$position", "$line", "$reason", "$raw"))
            {
                for (var i = 0; i < inventory.Problems.Length; i++)
                {
                    var problem = inventory.Problems[i];
                    insertProblem.Text(0, _runId).Integer(1, i).Integer(2, problem.LineNumber).Text(3, problem.Reason).Text(4, problem.RawText).Run();
                }
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, "store the run").ConfigureAwait(false);
    }

    public async Task WriteAsync(IReadOnlyList<HostOutcome> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var connection = _connection ?? throw new InvalidOperationException("the sink was not opened");
        await store.Guard(() =>
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
                    statements.Write(_runId, _runStarted, outcome);
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

    public async Task CloseAsync(AuditRun run, RunSummary summary, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var connection = _connection ?? throw new InvalidOperationException("the sink was not opened");
        if (inventory is null)
        {
            return;
        }

        await store.Guard(() =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var close = new SqliteStatement(connection, "UPDATE runs SET status = $status, finished_at = $finished WHERE run_id = $run", "$status", "$finished", "$run");
            close.Text(0, run.Status.ToString()).Text(1, StoredText.Timestamp(run.FinishedAt)).Text(2, run.RunId).Run();
            return Task.FromResult(true);
        }, "close the run").ConfigureAwait(false);
    }

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
            VALUES ($run, $key, $verdict, $reason, $family, $evidence, $version, $banner, $greeting, $missing, $unexpected,
                    $detail, $tls, $address, $attempts, $connect, $bannerMs, $ehlo, $tlsMs, $total, $probed, $transcript, $runStarted,
                    $pre, $post,
                    (SELECT verdict FROM results WHERE host_key = $key AND run_started_at < $runStarted ORDER BY run_started_at DESC LIMIT 1),
                    COALESCE((SELECT CASE WHEN verdict = $verdict THEN COALESCE(verdict_since, run_started_at) END FROM results
                              WHERE host_key = $key AND run_started_at < $runStarted ORDER BY run_started_at DESC LIMIT 1), $runStarted))
            ON CONFLICT (run_id, host_key) DO UPDATE SET
                verdict = excluded.verdict, reason = excluded.reason, family = excluded.family, family_evidence = excluded.family_evidence,
                version = excluded.version, banner = excluded.banner, greeting = excluded.greeting, missing = excluded.missing,
                unexpected = excluded.unexpected, detail = excluded.detail, tls = excluded.tls, address = excluded.address,
                attempts = excluded.attempts, connect_ms = excluded.connect_ms, banner_ms = excluded.banner_ms, ehlo_ms = excluded.ehlo_ms,
                tls_ms = excluded.tls_ms, total_ms = excluded.total_ms, probed_at = excluded.probed_at, transcript = excluded.transcript,
                run_started_at = excluded.run_started_at, keywords_pre_tls = excluded.keywords_pre_tls, keywords_post_tls = excluded.keywords_post_tls,
                previous_verdict = excluded.previous_verdict, verdict_since = excluded.verdict_since
            """,
            "$run", "$key", "$verdict", "$reason", "$family", "$evidence", "$version", "$banner", "$greeting", "$missing", "$unexpected",
            "$detail", "$tls", "$address", "$attempts", "$connect", "$bannerMs", "$ehlo", "$tlsMs", "$total", "$probed", "$transcript", "$runStarted",
            "$pre", "$post");

        /// <summary>
        /// A keyword set (schema version 5), written the first time a batch names it and ignored when it is stored already:
        /// its id is its content's hash, so the rows of a set never change. The list goes in as one JSON parameter that
        /// json_each turns into rows.
        /// </summary>
        private readonly SqliteStatement _keywordSet = new(connection,
            """
            INSERT OR IGNORE INTO keyword_sets (set_id, position, name, parameters)
            SELECT $set, CAST(j.key AS INTEGER), json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]') FROM json_each($list) AS j
            """,
            "$set", "$list");

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
            "INSERT INTO findings (run_id, host_key, position, code, severity, arguments, message) VALUES ($run, $key, $position, $code, $severity, $arguments, $message)",
            "$run", "$key", "$position", "$code", "$severity", "$arguments", "$message");

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
                .Text(5, c.FamilyEvidence).Text(6, c.Version).Text(7, c.Banner).Text(8, c.EhloGreeting).Text(9, StoredText.List(c.Missing))
                .Text(10, StoredText.List(c.Unexpected)).Text(11, c.Detail).Text(12, StoredText.Tls(c.Tls)).Text(13, p.Address)
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
