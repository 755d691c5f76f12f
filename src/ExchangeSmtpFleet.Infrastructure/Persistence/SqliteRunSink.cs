using System.Text.Json;
using Dapper;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Inventory;
using Microsoft.Data.Sqlite;

namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>
/// Stores one run in SQLite as its results arrive: one transaction per batch, prepared commands reused for every row
/// (Dapper's one command per element re-prepares each time; measured in BENCHMARKS.md). A host written again replaces
/// its result, keywords and findings, so a retried batch never duplicates anything.
/// </summary>
/// <remarks>Without an inventory it is a batch sink: it adds results to a run stored before, stores no run and does not close it.</remarks>
internal sealed class SqliteRunSink(SqliteAuditStore store, InventoryReadResult? inventory) : IResultSink, IAsyncDisposable
{
    private SqliteConnection? _connection;
    private string _runId = string.Empty;
    private DateTimeOffset _runStarted;
    private Statements? _statements;

    public string Name => store.Description;

    /// <summary>A database that fails must not cost the scan what it found: the run goes on without it.</summary>
    public SinkFailurePolicy OnFailure => SinkFailurePolicy.Detach;

    public async Task OpenAsync(AuditRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        _runId = run.RunId;
        _runStarted = run.StartedAt;
        _connection = (SqliteConnection)await store.OpenMigratedAsync(cancellationToken).ConfigureAwait(false);
        if (inventory is null)
        {
            return;
        }

        await store.Guard(async () =>
        {
            await using var transaction = (SqliteTransaction)await _connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await _connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO runs (run_id, kind, started_at, finished_at, status, inventory_path, inventory_hash, host_count, problem_count,
                                  disabled_count, concurrency, probe_options, tool_version)
                VALUES (@RunId, @Kind, @StartedAt, NULL, @Status, @InventoryPath, @InventoryHash, @HostCount, @ProblemCount,
                        @DisabledCount, @Concurrency, @ProbeOptions, @ToolVersion)
                ON CONFLICT (run_id) DO UPDATE SET status = excluded.status, finished_at = NULL
                """,
                RunParameters.Of(run, inventory, StoredText.Timestamp(run.StartedAt)),
                transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);

            // The run's inventory snapshot and problems: one prepared statement each, many rows.
            using (var insertHost = Prepare(_connection, transaction,
                """
                INSERT OR REPLACE INTO run_hosts (run_id, host_key, host, port, name, site, owner, profile, ignore_verbs, line_number)
                VALUES ($run, $key, $host, $port, $name, $site, $owner, $profile, $ignore, $line)
                """, "$run", "$key", "$host", "$port", "$name", "$site", "$owner", "$profile", "$ignore", "$line"))
            {
                foreach (var host in inventory.Hosts)
                {
                    await Run(insertHost, cancellationToken, _runId, host.Key, host.Host, host.Port, host.Name, host.Site, host.Owner, host.Profile,
                        StoredText.List(host.IgnoreVerbs), host.LineNumber).ConfigureAwait(false);
                }
            }

            using (var insertProblem = Prepare(_connection, transaction,
                "INSERT OR REPLACE INTO inventory_problems (run_id, position, line_number, reason, raw_text) VALUES ($run, $position, $line, $reason, $raw)",
                "$run", "$position", "$line", "$reason", "$raw"))
            {
                for (var i = 0; i < inventory.Problems.Length; i++)
                {
                    var problem = inventory.Problems[i];
                    await Run(insertProblem, cancellationToken, _runId, i, problem.LineNumber, problem.Reason, problem.RawText).ConfigureAwait(false);
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
        await store.Guard(async () =>
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var statements = _statements ??= new Statements(connection);
            statements.Enlist(transaction);
            // Hosts of the batch with a result already (a batch written again, by this sink or another): only those need their
            // old keywords and findings deleted. Asked of the database, so nothing is kept between batches.
            var keys = StoredText.List(batch.Select(o => o.Host.Key));
            var written = statements.Written(_runId, keys);
            foreach (var outcome in batch)
            {
                await statements.WriteAsync(_runId, _runStarted, outcome, written.Contains(outcome.Host.Key), cancellationToken).ConfigureAwait(false);
            }

            await statements.UpdateStreaksAsync(_runId, keys, cancellationToken).ConfigureAwait(false);

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return true;
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

        await store.Guard(() => connection.ExecuteAsync(new CommandDefinition(
            "UPDATE runs SET status = @status, finished_at = @finished WHERE run_id = @run",
            new { status = run.Status.ToString(), finished = StoredText.Timestamp(run.FinishedAt), run = run.RunId },
            cancellationToken: cancellationToken)), "close the run").ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _statements?.Dispose();
        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction? transaction, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    /// <summary>
    /// Runs a prepared command with new values. Synchronous on purpose: Microsoft.Data.Sqlite has no asynchronous I/O (its
    /// async methods run synchronously), and this runs on the sink's own task, never on a probing thread.
    /// </summary>
    private static Task<int> Run(SqliteCommand command, CancellationToken cancellationToken, params object?[] values)
    {
        cancellationToken.ThrowIfCancellationRequested();
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }

        return Task.FromResult(command.ExecuteNonQuery());
    }

    /// <summary>The prepared statements of the write path, made once per sink and reused for every batch.</summary>
    private sealed class Statements(SqliteConnection connection) : IDisposable
    {
        private readonly SqliteCommand _result = Prepare(connection, null,
            """
            INSERT INTO results (run_id, host_key, verdict, reason, family, family_evidence, version, banner, greeting, missing, unexpected,
                                 detail, tls, address, attempts, connect_ms, banner_ms, ehlo_ms, tls_ms, total_ms, probed_at, transcript, run_started_at)
            VALUES ($run, $key, $verdict, $reason, $family, $evidence, $version, $banner, $greeting, $missing, $unexpected,
                    $detail, $tls, $address, $attempts, $connect, $bannerMs, $ehlo, $tlsMs, $total, $probed, $transcript, $runStarted)
            ON CONFLICT (run_id, host_key) DO UPDATE SET
                verdict = excluded.verdict, reason = excluded.reason, family = excluded.family, family_evidence = excluded.family_evidence,
                version = excluded.version, banner = excluded.banner, greeting = excluded.greeting, missing = excluded.missing,
                unexpected = excluded.unexpected, detail = excluded.detail, tls = excluded.tls, address = excluded.address,
                attempts = excluded.attempts, connect_ms = excluded.connect_ms, banner_ms = excluded.banner_ms, ehlo_ms = excluded.ehlo_ms,
                tls_ms = excluded.tls_ms, total_ms = excluded.total_ms, probed_at = excluded.probed_at, transcript = excluded.transcript,
                run_started_at = excluded.run_started_at
            """,
            "$run", "$key", "$verdict", "$reason", "$family", "$evidence", "$version", "$banner", "$greeting", "$missing", "$unexpected",
            "$detail", "$tls", "$address", "$attempts", "$connect", "$bannerMs", "$ehlo", "$tlsMs", "$total", "$probed", "$transcript", "$runStarted");

        /// <summary>
        /// The hosts of the batch learn their verdict in the run before and since when they have had their verdict: two seeks
        /// per host on (host_key, run_started_at), set-based for the batch.
        /// </summary>
        private readonly SqliteCommand _streaks = Prepare(connection, null,
            """
            UPDATE results SET
                previous_verdict = (SELECT p.verdict FROM results AS p
                                    WHERE p.host_key = results.host_key AND p.run_started_at < results.run_started_at
                                    ORDER BY p.run_started_at DESC LIMIT 1),
                verdict_since = COALESCE((SELECT CASE WHEN p.verdict = results.verdict THEN COALESCE(p.verdict_since, p.run_started_at) END
                                          FROM results AS p
                                          WHERE p.host_key = results.host_key AND p.run_started_at < results.run_started_at
                                          ORDER BY p.run_started_at DESC LIMIT 1), results.run_started_at)
            WHERE run_id = $run AND host_key IN (SELECT value FROM json_each($keys))
            """,
            "$run", "$keys");

        private readonly SqliteCommand _deleteKeywords = Prepare(connection, null,
            "DELETE FROM keywords WHERE run_id = $run AND host_key = $key", "$run", "$key");

        private readonly SqliteCommand _keywordList = Prepare(connection, null,
            """
            INSERT INTO keywords (run_id, host_key, phase, position, name, parameters)
            SELECT $run, $key, $phase, CAST(j.key AS INTEGER), json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]') FROM json_each($list) AS j
            """,
            "$run", "$key", "$phase", "$list");

        private readonly System.Buffers.ArrayBufferWriter<byte> _keywordsJson = new(2048);

        private readonly SqliteCommand _written = Prepare(connection, null,
            "SELECT host_key FROM results WHERE run_id = $run AND host_key IN (SELECT value FROM json_each($keys))", "$run", "$keys");

        private readonly SqliteCommand _deleteFindings = Prepare(connection, null,
            "DELETE FROM findings WHERE run_id = $run AND host_key = $key", "$run", "$key");

        private readonly SqliteCommand _finding = Prepare(connection, null,
            "INSERT INTO findings (run_id, host_key, position, code, severity, arguments, message) VALUES ($run, $key, $position, $code, $severity, $arguments, $message)",
            "$run", "$key", "$position", "$code", "$severity", "$arguments", "$message");

        public void Enlist(SqliteTransaction transaction)
        {
            foreach (var command in new[] { _result, _deleteKeywords, _deleteFindings, _finding, _keywordList, _streaks, _written })
            {
                command.Transaction = transaction;
            }
        }

        /// <summary>Sets the previous verdict and the streak start of the batch's hosts (after their results are written).</summary>
        public Task<int> UpdateStreaksAsync(string runId, string keys, CancellationToken cancellationToken) =>
            Run(_streaks, cancellationToken, runId, keys);

        /// <summary>The hosts among <paramref name="keys"/> (a JSON list) that have a result in the run already.</summary>
        public HashSet<string> Written(string runId, string keys)
        {
            _written.Parameters[0].Value = runId;
            _written.Parameters[1].Value = keys;
            var written = new HashSet<string>(StringComparer.Ordinal);
            using var reader = _written.ExecuteReader();
            while (reader.Read())
            {
                written.Add(reader.GetString(0));
            }

            return written;
        }

        public async Task WriteAsync(string runId, DateTimeOffset runStarted, HostOutcome outcome, bool again, CancellationToken cancellationToken)
        {
            var key = outcome.Host.Key;
            var c = outcome.Classification;
            var p = outcome.Probe;
            await Run(_result, cancellationToken, runId, key, c.Verdict.ToString(), c.Reason.ToString(), c.Family, c.FamilyEvidence, c.Version, c.Banner,
                c.EhloGreeting, StoredText.List(c.Missing), StoredText.List(c.Unexpected), c.Detail, StoredText.Tls(c.Tls), p.Address, p.Attempts,
                p.Timings.ConnectMs, p.Timings.BannerMs, p.Timings.EhloMs, p.Timings.TlsMs, p.Timings.TotalMs, StoredText.Timestamp(p.StartedAt),
                StoredText.Transcript(p), StoredText.Timestamp(runStarted)).ConfigureAwait(false);

            if (again)
            {
                await Run(_deleteKeywords, cancellationToken, runId, key).ConfigureAwait(false);
                await Run(_deleteFindings, cancellationToken, runId, key).ConfigureAwait(false);
            }

            InsertKeywords(runId, key, "pre-tls", c.Keywords);
            InsertKeywords(runId, key, "post-tls", c.PostTlsKeywords);

            for (var i = 0; i < c.Findings.Length; i++)
            {
                var f = c.Findings[i];
                await Run(_finding, cancellationToken, runId, key, i, f.Code.ToString(), f.Severity.ToString(), StoredText.List(f.Arguments), f.Message)
                    .ConfigureAwait(false);
            }
        }

        public void Dispose()
        {
            _result.Dispose();
            _deleteKeywords.Dispose();
            _deleteFindings.Dispose();
            _finding.Dispose();
            _keywordList.Dispose();
            _streaks.Dispose();
            _written.Dispose();
        }

        /// <summary>
        /// All keywords of a host and phase in one statement: the list goes in as one JSON parameter and SQLite's json_each
        /// turns it into rows. Binding six named parameters per keyword row cost more than the b-tree inserts themselves
        /// (BENCHMARKS.md: 12,900 results/s with a statement per keyword, 16,600 without the name index, see there).
        /// </summary>
        private void InsertKeywords(string runId, string key, string phase, System.Collections.Immutable.ImmutableArray<Core.Protocol.EhloKeyword> keywords)
        {
            if (keywords.IsDefaultOrEmpty)
            {
                return;
            }

            _keywordsJson.Clear();
            using (var json = new Utf8JsonWriter(_keywordsJson))
            {
                json.WriteStartArray();
                foreach (var keyword in keywords)
                {
                    json.WriteStartArray();
                    json.WriteStringValue(keyword.Name);
                    json.WriteStringValue(keyword.Parameters.IsDefaultOrEmpty ? string.Empty : string.Join(' ', keyword.Parameters));
                    json.WriteEndArray();
                }

                json.WriteEndArray();
            }

            _keywordList.Parameters[0].Value = runId;
            _keywordList.Parameters[1].Value = key;
            _keywordList.Parameters[2].Value = phase;
            _keywordList.Parameters[3].Value = System.Text.Encoding.UTF8.GetString(_keywordsJson.WrittenSpan);
            _keywordList.ExecuteNonQuery();
        }
    }
}
