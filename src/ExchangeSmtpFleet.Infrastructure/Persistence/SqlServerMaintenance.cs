using System.Data.Common;
using System.Globalization;
using Dapper;
using ExchangeSmtpFleet.Core.Storage;
using Microsoft.Data.SqlClient;

namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>The care of a SQL Server database (<see cref="IStoreMaintenance"/>): its schema, its preflight and what is kept how long.</summary>
internal sealed class SqlServerMaintenance(SqlServerDatabase db) : IStoreMaintenance
{
    /// <summary>
    /// Rows a prune deletes or changes per statement, each statement committed on its own (issue 21, item 9): below SQL
    /// Server's lock escalation (5,000 locks), so the night's writers are not locked out of the table, and no statement runs
    /// into the command time-out or grows the log by a year of history at once.
    /// </summary>
    internal const int PruneChunk = 4000;

    /// <summary>The Hangfire.SqlServer schema version this build's job storage installs (Hangfire.SqlServer 1.8: 9).</summary>
    internal const int HangfireSchemaVersion = 9;

    /// <summary>The first build of SQL Server 2016 SP1 (CREATE OR ALTER, DROP ... IF EXISTS).</summary>
    private static readonly Version MinimumVersion = new(13, 0, 4001);

    /// <summary>The tables the schema makes, whose rights a login that runs esfleet needs (the view <c>keywords</c> reads two of them).</summary>
    private static readonly string[] Tables =
        ["runs", "run_hosts", "results", "findings", "inventory_problems", "mails", "run_steps", "audit_lock", "keyword_sets", "schema_versions"];

    private const string RunsWithTranscripts = """
        SELECT r.run_id FROM dbo.runs AS r
        WHERE r.started_at < @before AND EXISTS (SELECT 1 FROM dbo.results AS s WHERE s.run_id = r.run_id AND s.transcript IS NOT NULL)
        ORDER BY r.started_at;
        """;

    private const string PruneTranscriptsChunk = """
        UPDATE TOP (@chunk) dbo.results SET transcript = NULL WHERE run_id = @runId AND transcript IS NOT NULL;
        """;

    private const string RunsBefore = "SELECT run_id FROM dbo.runs WHERE started_at < @before ORDER BY started_at;";

    /// <summary>The per-host keyword sets of upgraded runs (<c>m:</c> ids) go with their run; content-addressed sets are shared and stay.</summary>
    private const string PruneRunKeywordSets = """
        DELETE TOP (@chunk) FROM dbo.keyword_sets WHERE set_id IN (
            SELECT keywords_pre_tls FROM dbo.results WHERE run_id = @runId AND keywords_pre_tls LIKE N'm:%'
            UNION ALL
            SELECT keywords_post_tls FROM dbo.results WHERE run_id = @runId AND keywords_post_tls LIKE N'm:%');
        """;

    private const string PruneRunFindings = "DELETE TOP (@chunk) FROM dbo.findings WHERE run_id = @runId;";

    private const string PruneRunResults = "DELETE TOP (@chunk) FROM dbo.results WHERE run_id = @runId;";

    private const string PruneRunHosts = "DELETE TOP (@chunk) FROM dbo.run_hosts WHERE run_id = @runId;";

    private const string PruneRunProblems = "DELETE TOP (@chunk) FROM dbo.inventory_problems WHERE run_id = @runId;";

    /// <summary>The run's row last: its steps and mail record go by cascade, and a prune cut off half-way finds the run again.</summary>
    private const string PruneRun = "DELETE FROM dbo.runs WHERE run_id = @runId;";

    private const string ServerFacts = """
        SELECT CAST(SERVERPROPERTY('ProductVersion') AS NVARCHAR(128)) AS product_version,
               CAST(SERVERPROPERTY('ProductLevel') AS NVARCHAR(128)) AS product_level,
               CAST(SERVERPROPERTY('Edition') AS NVARCHAR(128)) AS edition,
               CAST(SERVERPROPERTY('EngineEdition') AS INT) AS engine_edition,
               CAST(SERVERPROPERTY('Collation') AS NVARCHAR(128)) AS server_collation,
               CAST(DATABASEPROPERTYEX(DB_NAME(), 'Collation') AS NVARCHAR(128)) AS database_collation,
               DB_NAME() AS database_name,
               SUSER_SNAME() AS login_name,
               CAST(d.is_read_committed_snapshot_on AS INT) AS read_committed_snapshot,
               CAST(d.compatibility_level AS INT) AS compatibility
        FROM sys.databases AS d WHERE d.database_id = DB_ID();
        """;

    /// <summary>The login's rights on each table of the schema that exists (object grants and role memberships alike).</summary>
    private const string TableRights = """
        SELECT t.name AS table_name,
               HAS_PERMS_BY_NAME(N'dbo.' + t.name, N'OBJECT', N'SELECT') AS can_select,
               HAS_PERMS_BY_NAME(N'dbo.' + t.name, N'OBJECT', N'INSERT') AS can_insert,
               HAS_PERMS_BY_NAME(N'dbo.' + t.name, N'OBJECT', N'UPDATE') AS can_update,
               HAS_PERMS_BY_NAME(N'dbo.' + t.name, N'OBJECT', N'DELETE') AS can_delete
        FROM (VALUES (N'runs'), (N'run_hosts'), (N'results'), (N'findings'), (N'inventory_problems'), (N'mails'), (N'run_steps'),
                     (N'audit_lock'), (N'keyword_sets'), (N'schema_versions')) AS t (name)
        WHERE OBJECT_ID(N'dbo.' + t.name) IS NOT NULL;
        """;

    /// <summary>The rights a login has in the database as a whole (before the schema exists) and those that change the schema.</summary>
    private const string DatabaseRights = """
        SELECT HAS_PERMS_BY_NAME(DB_NAME(), N'DATABASE', N'SELECT') AS can_select,
               HAS_PERMS_BY_NAME(DB_NAME(), N'DATABASE', N'INSERT') AS can_insert,
               HAS_PERMS_BY_NAME(DB_NAME(), N'DATABASE', N'UPDATE') AS can_update,
               HAS_PERMS_BY_NAME(DB_NAME(), N'DATABASE', N'DELETE') AS can_delete,
               HAS_PERMS_BY_NAME(DB_NAME(), N'DATABASE', N'CREATE TABLE') AS can_create_table,
               HAS_PERMS_BY_NAME(DB_NAME(), N'DATABASE', N'CREATE VIEW') AS can_create_view,
               HAS_PERMS_BY_NAME(N'dbo', N'SCHEMA', N'ALTER') AS can_alter_dbo,
               HAS_PERMS_BY_NAME(DB_NAME(), N'DATABASE', N'CREATE SCHEMA') AS can_create_schema,
               CASE WHEN SCHEMA_ID(N'HangFire') IS NULL THEN NULL ELSE HAS_PERMS_BY_NAME(N'HangFire', N'SCHEMA', N'SELECT')
                    & HAS_PERMS_BY_NAME(N'HangFire', N'SCHEMA', N'INSERT') & HAS_PERMS_BY_NAME(N'HangFire', N'SCHEMA', N'UPDATE')
                    & HAS_PERMS_BY_NAME(N'HangFire', N'SCHEMA', N'DELETE') END AS can_use_hangfire;
        """;

    private const string HangfireSchemaExists = "SELECT CASE WHEN OBJECT_ID(N'HangFire.Schema') IS NULL THEN 0 ELSE 1 END;";

    private const string HangfireVersion = "SELECT MAX(Version) FROM HangFire.[Schema];";

    private const string RedundantIndex = "SELECT COUNT(*) FROM sys.indexes WHERE name = N'ix_results_host' AND object_id = OBJECT_ID(N'dbo.results');";

    public string Description => db.Description;

    public Task MigrateAsync(CancellationToken cancellationToken) => db.MigrateAsync(cancellationToken);

    /// <remarks>
    /// The preflight a DBA runs before the first night (issue 21, item 13): connecting (the TLS handshake explained), the
    /// server's version and edition, database and server collation, the login's rights for running and for migrating, the
    /// schema against this build, Hangfire's schema, READ_COMMITTED_SNAPSHOT. Each check on its own: one that cannot run
    /// is its line, the others still run. Changes nothing.
    /// </remarks>
    public async Task<IReadOnlyList<StoreCheck>> CheckAsync(CancellationToken cancellationToken)
    {
        var checks = new List<StoreCheck>();
        DbConnection connection;
        try
        {
            connection = await db.OpenConnectionAsync(create: false, cancellationToken).ConfigureAwait(false);
        }
        catch (StoreException e)
        {
            checks.Add(new StoreCheck("connect", CheckOutcome.Fail, e.Message));
            return checks;
        }

        await using (connection.ConfigureAwait(false))
        {
            checks.Add(Encryption());
            var facts = await CheckAsync(checks, "server", () => connection.QuerySingleAsync<Facts>(new CommandDefinition(ServerFacts, cancellationToken: cancellationToken)))
                .ConfigureAwait(false);
            if (facts is not null)
            {
                checks[^1] = Server(facts);
                checks.Add(Collation(facts));
            }

            var schema = await CheckAsync(checks, "schema", () => SchemaAsync(connection, cancellationToken)).ConfigureAwait(false);
            var hangfire = await CheckAsync(checks, "hangfire", () => HangfireAsync(connection, cancellationToken)).ConfigureAwait(false);
            var rights = await CheckAsync(checks, "rights", () => RightsAsync(connection, cancellationToken)).ConfigureAwait(false);
            if (rights is not null)
            {
                checks[^1] = rights.Running;
                checks.Add(Migrating(rights, schema, hangfire));
            }

            if (facts is not null)
            {
                checks.Add(facts.read_committed_snapshot == 1
                    ? new StoreCheck("rcsi", CheckOutcome.Pass, "READ_COMMITTED_SNAPSHOT is ON: the dashboard, reports and /health read without waiting for the night's writers")
                    : new StoreCheck("rcsi", CheckOutcome.Warn,
                        $"READ_COMMITTED_SNAPSHOT is OFF: readers wait for writers and deadlocks are likelier; ALTER DATABASE [{facts.database_name}] SET READ_COMMITTED_SNAPSHOT ON WITH ROLLBACK IMMEDIATE (README: SQL Server)"));
            }
        }

        return checks;
    }

    /// <summary>Drops transcripts run by run, <see cref="PruneChunk"/> results per statement, each statement committed.</summary>
    public async Task<int> PruneTranscriptsAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        var runs = await db.ReadAsync(async c => (await c.QueryAsync<string>(new CommandDefinition(
            RunsWithTranscripts, new { before = db.ToDatabase(before) }, commandTimeout: 0, cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList(),
            cancellationToken, create: true).ConfigureAwait(false);
        var dropped = 0;
        foreach (var runId in runs)
        {
            dropped += await InChunksAsync(PruneTranscriptsChunk, runId, "drop old transcripts", cancellationToken).ConfigureAwait(false);
        }

        return dropped;
    }

    /// <summary>
    /// Deletes old runs one at a time, each table's rows <see cref="PruneChunk"/> per statement, each statement committed; the
    /// run's own row last, so that a prune cut off half-way (Ctrl+C, a lost connection) finds the rest of it next time.
    /// </summary>
    public async Task<int> PruneRunsAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        var runs = await db.ReadAsync(async c => (await c.QueryAsync<string>(new CommandDefinition(
            RunsBefore, new { before = db.ToDatabase(before) }, cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList(),
            cancellationToken, create: true).ConfigureAwait(false);
        foreach (var runId in runs)
        {
            foreach (var statement in (string[])[PruneRunKeywordSets, PruneRunFindings, PruneRunResults, PruneRunHosts, PruneRunProblems])
            {
                await InChunksAsync(statement, runId, "delete old runs", cancellationToken).ConfigureAwait(false);
            }

            await db.WriteAsync((c, t) => c.ExecuteAsync(new CommandDefinition(PruneRun, new { runId }, t, cancellationToken: cancellationToken)),
                "delete old runs", cancellationToken).ConfigureAwait(false);
        }

        return runs.Count;
    }

    /// <summary>Runs <paramref name="statement"/> (a <c>TOP (@chunk)</c> change of one run) until it changes nothing; the rows changed.</summary>
    private async Task<int> InChunksAsync(string statement, string runId, string what, CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            var rows = await db.WriteAsync((c, t) => c.ExecuteAsync(new CommandDefinition(
                statement, new { runId, chunk = PruneChunk }, t, cancellationToken: cancellationToken)), what, cancellationToken).ConfigureAwait(false);
            total += rows;
            if (rows == 0)
            {
                return total;
            }
        }
    }

    /// <summary>Runs one check's query; a database error becomes that check's failed line (the other checks still run).</summary>
    private async Task<T?> CheckAsync<T>(List<StoreCheck> checks, string name, Func<Task<T>> query)
        where T : class
    {
        try
        {
            var result = await db.Guard(query, $"check {name}").ConfigureAwait(false);
            checks.Add(result as StoreCheck ?? new StoreCheck(name, CheckOutcome.Pass, string.Empty));
            return result;
        }
        catch (StoreException e)
        {
            checks.Add(new StoreCheck(name, CheckOutcome.Fail, e.Message));
            return null;
        }
    }

    /// <summary>How the connection string protects the connection (it was opened: the TLS handshake, if any, succeeded).</summary>
    private StoreCheck Encryption()
    {
        var settings = db.Settings;
        var server = $"connected to {db.Description}";
        if (settings.Encrypt == SqlConnectionEncryptOption.Optional)
        {
            return new StoreCheck("connect", CheckOutcome.Warn,
                $"{server}, not encrypted (Encrypt=False): the login's password and the audit cross the network in clear; use Encrypt=True with a trusted certificate");
        }

        return settings.TrustServerCertificate
            ? new StoreCheck("connect", CheckOutcome.Warn,
                $"{server}, encrypted, but the server's certificate is not checked (TrustServerCertificate=True): fine in a lab; in production trust the certificate's issuer on this machine and drop it")
            : new StoreCheck("connect", CheckOutcome.Pass, $"{server}, encrypted (Encrypt={settings.Encrypt}), the server's certificate trusted");
    }

    private static StoreCheck Server(Facts facts)
    {
        var text = $"{facts.edition} {facts.product_version} {facts.product_level}, compatibility level {facts.compatibility}, as {facts.login_name}";
        var cloud = facts.engine_edition is 5 or 8;
        if (!cloud && (!Version.TryParse(facts.product_version, out var version) || version < MinimumVersion))
        {
            return new StoreCheck("server", CheckOutcome.Fail, $"{text}: esfleet needs SQL Server 2016 SP1 (13.0.4001) or later (its scripts use CREATE OR ALTER)");
        }

        return facts.engine_edition == 4
            ? new StoreCheck("server", CheckOutcome.Warn, $"{text}: Express keeps a database to 10 GB; keep transcripts short (Database:KeepTranscriptsDays) or use another edition")
            : new StoreCheck("server", CheckOutcome.Pass, text);
    }

    private static StoreCheck Collation(Facts facts) =>
        string.Equals(facts.server_collation, facts.database_collation, StringComparison.OrdinalIgnoreCase)
            ? new StoreCheck("collation", CheckOutcome.Pass, $"database and server {facts.database_collation}")
            : new StoreCheck("collation", CheckOutcome.Pass,
                $"database {facts.database_collation}, server (tempdb) {facts.server_collation}: esfleet's temporary tables take the database's (COLLATE DATABASE_DEFAULT)");

    /// <summary>The schema against this build's scripts, and the index an older esfleet left (version 5 drops it from now on).</summary>
    private async Task<StoreCheck> SchemaAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var schema = await db.SchemaCheckAsync(connection, cancellationToken).ConfigureAwait(false);
        var redundant = await connection.ExecuteScalarAsync<int>(new CommandDefinition(RedundantIndex, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return redundant == 0 ? schema : schema with
        {
            Outcome = schema.Outcome == CheckOutcome.Fail ? CheckOutcome.Fail : CheckOutcome.Warn,
            Detail = $"{schema.Detail}; the index ix_results_host is left from an older esfleet and only slows writes: DROP INDEX ix_results_host ON dbo.results",
        };
    }

    private static async Task<StoreCheck> HangfireAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        if (await connection.ExecuteScalarAsync<int>(new CommandDefinition(HangfireSchemaExists, cancellationToken: cancellationToken)).ConfigureAwait(false) == 0)
        {
            return new StoreCheck("hangfire", CheckOutcome.Warn,
                "the job storage's schema HangFire is not there yet: serve creates it at its first start, or a DBA applies esfleet db script --provider sqlserver (it includes it)");
        }

        var version = await connection.ExecuteScalarAsync<int?>(new CommandDefinition(HangfireVersion, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return version >= HangfireSchemaVersion
            ? new StoreCheck("hangfire", CheckOutcome.Pass, string.Create(CultureInfo.InvariantCulture, $"job storage schema HangFire, version {version}"))
            : new StoreCheck("hangfire", CheckOutcome.Warn, string.Create(CultureInfo.InvariantCulture,
                $"job storage schema HangFire at version {version?.ToString(CultureInfo.InvariantCulture) ?? "none"}, this build's is {HangfireSchemaVersion}: serve upgrades it at its next start, or a DBA applies esfleet db script --provider sqlserver"));
    }

    private static async Task<Rights> RightsAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var tables = (await connection.QueryAsync<TableRight>(new CommandDefinition(TableRights, cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
        var database = await connection.QuerySingleAsync<DatabaseRight>(new CommandDefinition(DatabaseRights, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var missing = tables.Count > 0
            ? tables.SelectMany(t => Lacking(t.can_select, t.can_insert, t.can_update, t.can_delete).Select(p => $"{p} on dbo.{t.table_name}")).ToList()
            : [.. Lacking(database.can_select, database.can_insert, database.can_update, database.can_delete).Select(p => $"{p} in the database")];
        if (database.can_use_hangfire == 0)
        {
            missing.Add("SELECT, INSERT, UPDATE and DELETE on the schema HangFire");
        }

        var running = missing.Count == 0
            ? new StoreCheck("rights", CheckOutcome.Pass, tables.Count == Tables.Length
                ? "may read and write every table esfleet and Hangfire use (what running needs: db_datareader, db_datawriter)"
                : "may read and write in the database (what running needs: db_datareader, db_datawriter)")
            : new StoreCheck("rights", CheckOutcome.Fail,
                $"the login lacks {string.Join(", ", missing.Take(6))}{(missing.Count > 6 ? $" and {missing.Count - 6} more" : string.Empty)}: add it to db_datareader and db_datawriter (README: SQL Server)");
        var migrating = database.can_create_table == 1 && database.can_create_view == 1 && database.can_alter_dbo == 1;
        return new Rights(running, migrating, database.can_create_schema == 1);
    }

    /// <summary>Whether the login may change the schema, and whether it has to: a login without DDL rights is right once a DBA applied the scripts.</summary>
    private static StoreCheck Migrating(Rights rights, StoreCheck? schema, StoreCheck? hangfire)
    {
        var schemaDone = schema is { Outcome: CheckOutcome.Pass };
        var hangfireDone = hangfire is { Outcome: CheckOutcome.Pass };
        if (rights.Migrating && (hangfireDone || rights.CreateSchema))
        {
            return new StoreCheck("migrate", CheckOutcome.Pass, "may create and upgrade the schema: esfleet applies a new build's scripts itself (db_ddladmin)");
        }

        if (schemaDone && hangfireDone)
        {
            return new StoreCheck("migrate", CheckOutcome.Pass,
                "may not change the schema (no db_ddladmin), and need not: it is up to date; after an upgrade that brings a new script a DBA applies esfleet db script --provider sqlserver");
        }

        var lacking = rights.Migrating ? "CREATE SCHEMA (for Hangfire's schema)" : "CREATE TABLE, CREATE VIEW and ALTER on the schema dbo (db_ddladmin)";
        return new StoreCheck("migrate", CheckOutcome.Fail,
            $"the schema is not complete and the login may not complete it (it lacks {lacking}): a DBA applies esfleet db script --provider sqlserver, or grant db_ddladmin");
    }

    private static IEnumerable<string> Lacking(int? select, int? insert, int? update, int? delete)
    {
        if (select != 1)
        {
            yield return "SELECT";
        }

        if (insert != 1)
        {
            yield return "INSERT";
        }

        if (update != 1)
        {
            yield return "UPDATE";
        }

        if (delete != 1)
        {
            yield return "DELETE";
        }
    }

    private sealed record Rights(StoreCheck Running, bool Migrating, bool CreateSchema);

#pragma warning disable IDE1006, SA1300, CA1812 // Dapper fills these by the column names; every number is CAST AS INT in the query.
    private sealed class Facts
    {
        public string product_version { get; set; } = string.Empty;

        public string? product_level { get; set; }

        public string? edition { get; set; }

        public int engine_edition { get; set; }

        public string? server_collation { get; set; }

        public string? database_collation { get; set; }

        public string database_name { get; set; } = string.Empty;

        public string? login_name { get; set; }

        public int read_committed_snapshot { get; set; }

        public int compatibility { get; set; }
    }

    private sealed class TableRight
    {
        public string table_name { get; set; } = string.Empty;

        public int? can_select { get; set; }

        public int? can_insert { get; set; }

        public int? can_update { get; set; }

        public int? can_delete { get; set; }
    }

    private sealed class DatabaseRight
    {
        public int? can_select { get; set; }

        public int? can_insert { get; set; }

        public int? can_update { get; set; }

        public int? can_delete { get; set; }

        public int? can_create_table { get; set; }

        public int? can_create_view { get; set; }

        public int? can_alter_dbo { get; set; }

        public int? can_create_schema { get; set; }

        public int? can_use_hangfire { get; set; }
    }
#pragma warning restore IDE1006, SA1300, CA1812
}
