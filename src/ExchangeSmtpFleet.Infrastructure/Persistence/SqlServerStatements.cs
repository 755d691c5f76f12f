namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>
/// Every T-SQL statement of the SQL Server store, in one place: the tests parse each with ScriptDom and check the
/// tables and columns it names against the schema scripts, since no SQL Server runs where the tests run.
/// </summary>
internal static class SqlServerStatements
{
    public const string CreateJournal =
        "IF OBJECT_ID(N'dbo.schema_versions', N'U') IS NULL CREATE TABLE dbo.schema_versions (script NVARCHAR(256) NOT NULL PRIMARY KEY, applied_at DATETIME2(7) NOT NULL);";

    public const string ReadJournal = "SELECT script FROM dbo.schema_versions;";

    public const string WriteJournal = "INSERT INTO dbo.schema_versions (script, applied_at) VALUES (@name, @at);";

    public const string ListRuns = "SELECT TOP (@limit) run_id, kind, started_at, finished_at, status, inventory_path, host_count, tool_version FROM dbo.runs ORDER BY started_at DESC;";

    public const string LatestRun = "SELECT TOP (1) run_id, kind, started_at, finished_at, status, inventory_path, host_count, tool_version FROM dbo.runs ORDER BY started_at DESC;";

    public const string LatestCompletedRun =
        "SELECT TOP (1) run_id, kind, started_at, finished_at, status, inventory_path, host_count, tool_version FROM dbo.runs WHERE status = N'Completed' ORDER BY started_at DESC;";

    public const string FindRun = "SELECT run_id, kind, started_at, finished_at, status, inventory_path, host_count, tool_version FROM dbo.runs WHERE run_id = @runId;";

    public const string CountsOfRun = "SELECT verdict, COUNT(*) AS hosts FROM dbo.results WHERE run_id = @run_id GROUP BY verdict;";

    public const string History = """
        SELECT TOP (@limit) r.run_id, runs.started_at, r.verdict, r.reason, r.missing
        FROM dbo.results AS r JOIN dbo.runs AS runs ON runs.run_id = r.run_id
        WHERE r.host_key = @hostKey
        ORDER BY runs.started_at DESC;
        """;

    public const string Lacking = """
        SELECT r.host_key, h.name, r.verdict, r.family
        FROM dbo.results AS r JOIN dbo.run_hosts AS h ON h.run_id = r.run_id AND h.host_key = r.host_key
        WHERE r.run_id = @runId
          AND r.keywords_pre_tls IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM dbo.keyword_sets AS k WHERE k.set_id = r.keywords_pre_tls AND k.name = @keyword)
        ORDER BY r.host_key;
        """;

    public const string RunBefore = """
        SELECT TOP (1) run_id FROM dbo.runs
        WHERE started_at < (SELECT started_at FROM dbo.runs WHERE run_id = @runId)
        ORDER BY started_at DESC;
        """;

    public const string Verdicts = """
        SELECT r.host_key, h.name, r.verdict
        FROM dbo.results AS r JOIN dbo.run_hosts AS h ON h.run_id = r.run_id AND h.host_key = r.host_key
        WHERE r.run_id = @runId;
        """;

    public const string HostsWithoutResult = """
        SELECT h.host_key FROM dbo.run_hosts AS h
        WHERE h.run_id = @runId AND NOT EXISTS (SELECT 1 FROM dbo.results AS r WHERE r.run_id = h.run_id AND r.host_key = h.host_key)
        ORDER BY h.line_number;
        """;

    public const string ResultsOfRun = """
        SELECT r.host_key, h.host, h.port, h.name, h.site, h.owner, h.profile, r.verdict, r.reason, r.family, r.banner, r.missing, r.detail,
               r.probed_at, r.previous_verdict, r.verdict_since
        FROM dbo.results AS r JOIN dbo.run_hosts AS h ON h.run_id = r.run_id AND h.host_key = r.host_key
        WHERE r.run_id = @runId
        ORDER BY h.line_number;
        """;

    public const string KeywordsOfRun = """
        SELECT r.host_key, k.name FROM dbo.results AS r JOIN dbo.keyword_sets AS k ON k.set_id = r.keywords_pre_tls
        WHERE r.run_id = @runId ORDER BY r.host_key, k.position;
        """;

    public const string EvidenceOfRun = """
        SELECT r.host_key, r.family_evidence, r.version, r.greeting, r.unexpected, r.tls, r.address, r.attempts, r.connect_ms, r.banner_ms,
               r.ehlo_ms, r.tls_ms, r.total_ms, r.transcript, f.code, f.severity, f.message
        FROM dbo.results AS r JOIN dbo.run_hosts AS h ON h.run_id = r.run_id AND h.host_key = r.host_key
        LEFT JOIN dbo.findings AS f ON f.run_id = r.run_id AND f.host_key = r.host_key
        WHERE r.run_id = @runId
        ORDER BY h.line_number, f.position;
        """;

    public const string ProblemsOfRun = "SELECT line_number, reason, raw_text FROM dbo.inventory_problems WHERE run_id = @runId ORDER BY position;";

    public const string MailedAt = "SELECT sent_at FROM dbo.mails WHERE run_id = @runId;";

    public const string RecordMailed = """
        MERGE dbo.mails WITH (HOLDLOCK) AS t
        USING (SELECT @runId AS run_id) AS s ON t.run_id = s.run_id
        WHEN MATCHED THEN UPDATE SET sent_at = @sentAt, recipients = @recipients
        WHEN NOT MATCHED THEN INSERT (run_id, sent_at, recipients) VALUES (@runId, @sentAt, @recipients);
        """;

    public const string CountRunsBefore = "SELECT COUNT(*) FROM dbo.runs WHERE started_at < @before;";

    public const string PruneRuns = """
        DELETE FROM dbo.keyword_sets WHERE set_id IN (
            SELECT keywords_pre_tls FROM dbo.results WHERE keywords_pre_tls LIKE N'm:%' AND run_id IN (SELECT run_id FROM dbo.runs WHERE started_at < @before)
            UNION ALL
            SELECT keywords_post_tls FROM dbo.results WHERE keywords_post_tls LIKE N'm:%' AND run_id IN (SELECT run_id FROM dbo.runs WHERE started_at < @before));
        DELETE FROM dbo.findings WHERE run_id IN (SELECT run_id FROM dbo.runs WHERE started_at < @before);
        DELETE FROM dbo.results WHERE run_id IN (SELECT run_id FROM dbo.runs WHERE started_at < @before);
        DELETE FROM dbo.run_hosts WHERE run_id IN (SELECT run_id FROM dbo.runs WHERE started_at < @before);
        DELETE FROM dbo.inventory_problems WHERE run_id IN (SELECT run_id FROM dbo.runs WHERE started_at < @before);
        DELETE FROM dbo.runs WHERE started_at < @before;
        """;

    public const string PruneTranscripts = """
        UPDATE dbo.results SET transcript = NULL
        WHERE transcript IS NOT NULL AND run_id IN (SELECT run_id FROM dbo.runs WHERE started_at < @before);
        """;

    /// <summary>A run is written once and, when a job resumes it, found again: MERGE keeps one row.</summary>
    public const string UpsertRun = """
        MERGE dbo.runs WITH (HOLDLOCK) AS t
        USING (SELECT @RunId AS run_id) AS s ON t.run_id = s.run_id
        WHEN MATCHED THEN UPDATE SET status = @Status, finished_at = NULL
        WHEN NOT MATCHED THEN INSERT (run_id, kind, started_at, finished_at, status, inventory_path, inventory_hash, host_count, problem_count,
                                      disabled_count, concurrency, probe_options, tool_version)
            VALUES (@RunId, @Kind, @StartedAt, NULL, @Status, @InventoryPath, @InventoryHash, @HostCount, @ProblemCount,
                    @DisabledCount, @Concurrency, @ProbeOptions, @ToolVersion);
        """;

    public const string DeleteRunHosts = "DELETE FROM dbo.run_hosts WHERE run_id = @run; DELETE FROM dbo.inventory_problems WHERE run_id = @run;";

    public const string CloseRun = "UPDATE dbo.runs SET status = @status, finished_at = @finished WHERE run_id = @run;";

    /// <summary>The staging tables of one connection: SqlBulkCopy fills them, one set-based statement moves them.</summary>
    public const string CreateStaging = """
        CREATE TABLE #results (
            run_id NVARCHAR(64) NOT NULL, host_key NVARCHAR(300) NOT NULL, verdict NVARCHAR(40) NOT NULL, reason NVARCHAR(40) NOT NULL,
            family NVARCHAR(64) NOT NULL, family_evidence NVARCHAR(MAX) NOT NULL, version NVARCHAR(64) NULL, banner NVARCHAR(MAX) NULL,
            greeting NVARCHAR(MAX) NULL, missing NVARCHAR(MAX) NOT NULL, unexpected NVARCHAR(MAX) NOT NULL, detail NVARCHAR(MAX) NULL,
            tls NVARCHAR(MAX) NULL, address NVARCHAR(64) NULL, attempts INT NOT NULL, connect_ms FLOAT NULL, banner_ms FLOAT NULL,
            ehlo_ms FLOAT NULL, tls_ms FLOAT NULL, total_ms FLOAT NOT NULL, probed_at DATETIME2(7) NOT NULL, transcript NVARCHAR(MAX) NULL,
            run_started_at DATETIME2(7) NOT NULL, keywords_pre_tls NVARCHAR(80) NULL, keywords_post_tls NVARCHAR(80) NULL,
            PRIMARY KEY (run_id, host_key));
        CREATE TABLE #keyword_sets (
            set_id NVARCHAR(80) NOT NULL, position INT NOT NULL, name NVARCHAR(128) NOT NULL, parameters NVARCHAR(MAX) NOT NULL,
            PRIMARY KEY (set_id, position));
        CREATE TABLE #findings (
            run_id NVARCHAR(64) NOT NULL, host_key NVARCHAR(300) NOT NULL, position INT NOT NULL, code NVARCHAR(40) NOT NULL,
            severity NVARCHAR(16) NOT NULL, arguments NVARCHAR(MAX) NOT NULL, message NVARCHAR(MAX) NOT NULL);
        """;

    /// <summary>
    /// One batch, set-based: the keyword sets it names that are not stored yet added (a set never changes; the lock keeps two
    /// batches from adding the same set at once), results merged (a host written again replaces itself), then its findings
    /// replaced.
    /// </summary>
    public const string MoveStaging = """
        INSERT INTO dbo.keyword_sets (set_id, position, name, parameters)
            SELECT s.set_id, s.position, s.name, s.parameters FROM #keyword_sets AS s
            WHERE NOT EXISTS (SELECT 1 FROM dbo.keyword_sets AS k WITH (UPDLOCK, HOLDLOCK) WHERE k.set_id = s.set_id);
        MERGE dbo.results WITH (HOLDLOCK) AS t
        USING #results AS s ON t.run_id = s.run_id AND t.host_key = s.host_key
        WHEN MATCHED THEN UPDATE SET
            verdict = s.verdict, reason = s.reason, family = s.family, family_evidence = s.family_evidence, version = s.version,
            banner = s.banner, greeting = s.greeting, missing = s.missing, unexpected = s.unexpected, detail = s.detail, tls = s.tls,
            address = s.address, attempts = s.attempts, connect_ms = s.connect_ms, banner_ms = s.banner_ms, ehlo_ms = s.ehlo_ms,
            tls_ms = s.tls_ms, total_ms = s.total_ms, probed_at = s.probed_at, transcript = s.transcript, run_started_at = s.run_started_at,
            keywords_pre_tls = s.keywords_pre_tls, keywords_post_tls = s.keywords_post_tls
        WHEN NOT MATCHED THEN INSERT (run_id, host_key, verdict, reason, family, family_evidence, version, banner, greeting, missing, unexpected,
                                      detail, tls, address, attempts, connect_ms, banner_ms, ehlo_ms, tls_ms, total_ms, probed_at, transcript, run_started_at,
                                      keywords_pre_tls, keywords_post_tls)
            VALUES (s.run_id, s.host_key, s.verdict, s.reason, s.family, s.family_evidence, s.version, s.banner, s.greeting, s.missing, s.unexpected,
                    s.detail, s.tls, s.address, s.attempts, s.connect_ms, s.banner_ms, s.ehlo_ms, s.tls_ms, s.total_ms, s.probed_at, s.transcript,
                    s.run_started_at, s.keywords_pre_tls, s.keywords_post_tls);
        UPDATE r SET
            previous_verdict = p.verdict,
            verdict_since = CASE WHEN p.verdict = r.verdict THEN COALESCE(p.verdict_since, p.run_started_at) ELSE r.run_started_at END
        FROM dbo.results AS r
        JOIN #results AS s ON s.run_id = r.run_id AND s.host_key = r.host_key
        OUTER APPLY (SELECT TOP (1) q.verdict, q.verdict_since, q.run_started_at FROM dbo.results AS q
                     WHERE q.host_key = r.host_key AND q.run_started_at < r.run_started_at
                     ORDER BY q.run_started_at DESC) AS p;
        DELETE f FROM dbo.findings AS f JOIN #results AS s ON s.run_id = f.run_id AND s.host_key = f.host_key;
        INSERT INTO dbo.findings (run_id, host_key, position, code, severity, arguments, message)
            SELECT run_id, host_key, position, code, severity, arguments, message FROM #findings;
        TRUNCATE TABLE #results;
        TRUNCATE TABLE #keyword_sets;
        TRUNCATE TABLE #findings;
        """;

    /// <summary>Every statement above, for the offline checks.</summary>
    public static IEnumerable<(string Name, string Text)> All() =>
        typeof(SqlServerStatements).GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => (f.Name, (string)f.GetRawConstantValue()!));

    // The job pipeline's bookkeeping (IRunLedger). Each runs in a transaction of its own; the locking hints make the
    // check and the write one step, so two servers cannot both take the lock or both own a step.
    public const string TakeAuditLock = """
        UPDATE dbo.audit_lock WITH (UPDLOCK, HOLDLOCK) SET run_id = @runId, taken_at = @now
        WHERE name = N'audit'
          AND (run_id = @runId
               OR EXISTS (SELECT 1 FROM dbo.runs AS r WHERE r.run_id = audit_lock.run_id AND (r.status <> N'Running' OR r.started_at < @staleBefore))
               OR (NOT EXISTS (SELECT 1 FROM dbo.runs AS r WHERE r.run_id = audit_lock.run_id) AND audit_lock.taken_at < @orphanBefore));
        SELECT run_id FROM dbo.audit_lock WHERE name = N'audit';
        """;

    public const string SetBatches = "UPDATE dbo.runs SET batch_count = @batchCount, batch_size = @batchSize WHERE run_id = @runId;";

    public const string PendingHosts = """
        SELECT h.host_key, h.host, h.port, h.name, h.site, h.owner, h.profile, h.ignore_verbs, h.line_number
        FROM (SELECT run_id, host_key, host, port, name, site, owner, profile, ignore_verbs, line_number FROM dbo.run_hosts
              WHERE run_id = @runId ORDER BY line_number OFFSET @first ROWS FETCH NEXT @count ROWS ONLY) AS h
        WHERE NOT EXISTS (SELECT 1 FROM dbo.results AS r WHERE r.run_id = h.run_id AND r.host_key = h.host_key)
        ORDER BY h.line_number;
        """;

    public const string ClaimStep = """
        INSERT INTO dbo.run_steps (run_id, step, job_id, done_at)
        SELECT @runId, @step, @jobId, NULL
        WHERE NOT EXISTS (SELECT 1 FROM dbo.run_steps WITH (UPDLOCK, HOLDLOCK) WHERE run_id = @runId AND step = @step);
        SELECT job_id, done_at FROM dbo.run_steps WHERE run_id = @runId AND step = @step;
        """;

    public const string CompleteStep = """
        UPDATE dbo.run_steps WITH (UPDLOCK, HOLDLOCK) SET done_at = COALESCE(done_at, @at) WHERE run_id = @runId AND step = @step;
        IF @@ROWCOUNT = 0
            INSERT INTO dbo.run_steps (run_id, step, job_id, done_at) VALUES (@runId, @step, @jobId, @at);
        """;

    public const string Steps = "SELECT step, job_id, done_at FROM dbo.run_steps WHERE run_id = @runId ORDER BY step;";

    public const string ReleaseSteps = "DELETE FROM dbo.run_steps WHERE run_id = @runId AND done_at IS NULL;";

    public const string UnfinishedPipelineRuns = """
        SELECT run_id, started_at, status, host_count, batch_count, batch_size FROM dbo.runs
        WHERE batch_count IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM dbo.run_steps AS s WHERE s.run_id = runs.run_id AND s.step = N'report' AND s.done_at IS NOT NULL)
        ORDER BY started_at;
        """;

    public const string PipelineRun = "SELECT run_id, started_at, status, host_count, batch_count, batch_size FROM dbo.runs WHERE run_id = @runId AND batch_count IS NOT NULL;";

    public const string FinishPipelineRun = "UPDATE dbo.runs SET status = @status, finished_at = @finished WHERE run_id = @runId;";
}
