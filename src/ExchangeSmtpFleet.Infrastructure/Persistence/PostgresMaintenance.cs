using System.Data.Common;
using System.Globalization;
using Dapper;
using ExchangeSmtpFleet.Core.Storage;

namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>The care of a PostgreSQL database (<see cref="IStoreMaintenance"/>): its schema, the preflight, what is kept how long.</summary>
internal sealed class PostgresMaintenance(PostgresDatabase db) : IStoreMaintenance
{
    /// <summary>The oldest server the scripts are written for (their header says so).</summary>
    private const int MinimumServerVersion = 130000;

    /// <summary>The tables esfleet writes (and reads): the login that runs it needs these rights on each.</summary>
    private static readonly string[] Tables =
        ["runs", "run_hosts", "results", "keyword_sets", "findings", "inventory_problems", "mails", "run_steps", "audit_lock", "schema_versions"];

    private const string Server = """
        SELECT current_setting('server_version') AS version, current_setting('server_version_num')::integer AS number, current_user AS login,
               current_database() AS database, current_schema() AS schema;
        """;

    private const string Encoding = """
        SELECT pg_encoding_to_char(encoding) AS encoding, datcollate AS collation, datctype AS ctype FROM pg_database WHERE datname = current_database();
        """;

    /// <summary>
    /// The rights a run needs: TEMP on the database (the sink's staging tables), SELECT, INSERT, UPDATE, DELETE on every
    /// table of the schema and SELECT on the journal, each right asked for alone (given a list, has_table_privilege is true
    /// when any one is held).
    /// </summary>
    private const string RunRights = """
        SELECT t.name AS table_name, to_regclass(t.name) IS NOT NULL AS present,
               CASE WHEN to_regclass(t.name) IS NULL THEN ''
                    ELSE array_to_string(ARRAY(SELECT p.name
                                               FROM unnest(CASE WHEN t.name = 'schema_versions' THEN ARRAY['SELECT']
                                                                ELSE ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE'] END) WITH ORDINALITY AS p(name, n)
                                               WHERE NOT has_table_privilege(to_regclass(t.name), p.name) ORDER BY p.n), ', ') END AS missing
        FROM unnest(@tables::text[]) WITH ORDINALITY AS t(name, n)
        ORDER BY t.n;
        SELECT has_database_privilege(current_database(), 'TEMP');
        """;

    /// <summary>The rights a migration needs: CREATE in the schema, and owning (or being a member of the owner of) the tables it alters.</summary>
    private const string MigrateRights = """
        SELECT has_schema_privilege(current_schema(), 'CREATE') AS can_create,
               (SELECT string_agg(c.relname, ', ' ORDER BY c.relname) FROM pg_class AS c
                WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'v') AND c.relname = ANY (@tables::text[])
                  AND NOT pg_has_role(current_user, c.relowner, 'USAGE')) AS not_owned;
        """;

    private const string HangfireStorage = """
        SELECT to_regclass(@schemaTable) IS NOT NULL AS present,
               has_database_privilege(current_database(), 'CREATE') AS can_create,
               has_schema_privilege(@schema, 'USAGE') AS usage
        WHERE EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = @schema)
        UNION ALL
        SELECT false, has_database_privilege(current_database(), 'CREATE'), false
        WHERE NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = @schema);
        """;

    private const string PruneTranscripts = """
        UPDATE results SET transcript = NULL
        WHERE transcript IS NOT NULL AND run_id IN (SELECT run_id FROM runs WHERE started_at < @before);
        """;

    private const string CountRunsBefore = "SELECT COUNT(*) FROM runs WHERE started_at < @before;";

    /// <summary>The per-host keyword sets of upgraded runs (<c>m:</c> ids) go with their runs; steps and the mail record by cascade.</summary>
    private const string PruneRuns = """
        DELETE FROM keyword_sets WHERE set_id IN (
            SELECT keywords_pre_tls FROM results WHERE keywords_pre_tls LIKE 'm:%' AND run_id IN (SELECT run_id FROM runs WHERE started_at < @before)
            UNION ALL
            SELECT keywords_post_tls FROM results WHERE keywords_post_tls LIKE 'm:%' AND run_id IN (SELECT run_id FROM runs WHERE started_at < @before));
        DELETE FROM findings WHERE run_id IN (SELECT run_id FROM runs WHERE started_at < @before);
        DELETE FROM results WHERE run_id IN (SELECT run_id FROM runs WHERE started_at < @before);
        DELETE FROM run_hosts WHERE run_id IN (SELECT run_id FROM runs WHERE started_at < @before);
        DELETE FROM inventory_problems WHERE run_id IN (SELECT run_id FROM runs WHERE started_at < @before);
        DELETE FROM runs WHERE started_at < @before;
        """;

    public string Description => db.Description;

    public Task MigrateAsync(CancellationToken cancellationToken) =>
        db.WithRetryAsync(async () =>
        {
            await db.MigrateAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, null, "apply the schema", cancellationToken);

    /// <remarks>
    /// Connecting, the server's version, the database's encoding and collation, the schema against this build, the login's
    /// rights to run and to migrate, and Hangfire's job storage; each check's own error is its line, the others still run.
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
            var server = await connection.QuerySingleAsync<ServerRow>(new CommandDefinition(Server, cancellationToken: cancellationToken)).ConfigureAwait(false);
            checks.Add(new StoreCheck("connect", CheckOutcome.Pass, $"connected to {db.Description} as {server.login}"));
            checks.Add(server.number >= MinimumServerVersion
                ? new StoreCheck("server", CheckOutcome.Pass, $"PostgreSQL {server.version}")
                : new StoreCheck("server", CheckOutcome.Fail, $"PostgreSQL {server.version}: esfleet needs 13 or later"));
            if (server.schema is null)
            {
                checks.Add(new StoreCheck("schema", CheckOutcome.Fail, "no schema of the login's search_path exists: create one (CREATE SCHEMA ... AUTHORIZATION ...) or set search_path"));
                return checks;
            }

            checks.Add(await CheckAsync("encoding", () => EncodingCheckAsync(connection, cancellationToken)).ConfigureAwait(false));
            var schema = await CheckAsync("schema", async () =>
            {
                var check = await db.SchemaCheckAsync(connection, cancellationToken).ConfigureAwait(false);
                return check with { Detail = $"{check.Detail}; schema {server.schema}" };
            }).ConfigureAwait(false);
            checks.Add(schema);
            checks.Add(await CheckAsync("run rights", () => RunRightsCheckAsync(connection, server.login, cancellationToken)).ConfigureAwait(false));
            checks.Add(await CheckAsync("migrate rights", () => MigrateRightsCheckAsync(connection, server, schema, cancellationToken)).ConfigureAwait(false));
            checks.Add(await CheckAsync("job storage", () => HangfireCheckAsync(connection, server.login, cancellationToken)).ConfigureAwait(false));
        }

        return checks;
    }

    public Task<int> PruneTranscriptsAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        db.RetryWriteAsync((c, t) => c.ExecuteAsync(new CommandDefinition(
            PruneTranscripts, new { before = db.ToDatabase(before) }, t, cancellationToken: cancellationToken)), "drop old transcripts", cancellationToken);

    public Task<int> PruneRunsAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        db.RetryWriteAsync(async (c, t) =>
        {
            var cutOff = new { before = db.ToDatabase(before) };
            var runs = await c.ExecuteScalarAsync<long>(new CommandDefinition(CountRunsBefore, cutOff, t, cancellationToken: cancellationToken)).ConfigureAwait(false);
            await c.ExecuteAsync(new CommandDefinition(PruneRuns, cutOff, t, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return (int)runs;
        }, "delete old runs", cancellationToken);

    /// <summary>One check; a database error in it is its failed line.</summary>
    private async Task<StoreCheck> CheckAsync(string name, Func<Task<StoreCheck>> check)
    {
        try
        {
            return await check().ConfigureAwait(false);
        }
        catch (StoreException e)
        {
            return new StoreCheck(name, CheckOutcome.Fail, e.Message);
        }
        catch (DbException e)
        {
            return new StoreCheck(name, CheckOutcome.Fail, db.Explain(e, $"check {name}").Message);
        }
    }

    /// <summary>UTF8 stores every banner and transcript as it came; another encoding fails on the first character it lacks.</summary>
    private static async Task<StoreCheck> EncodingCheckAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleAsync<EncodingRow>(new CommandDefinition(Encoding, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return string.Equals(row.encoding, "UTF8", StringComparison.Ordinal)
            ? new StoreCheck("encoding", CheckOutcome.Pass, $"UTF8, collation {row.collation}")
            : new StoreCheck("encoding", CheckOutcome.Warn,
                $"{row.encoding} (collation {row.collation}): a banner or transcript with a character {row.encoding} lacks cannot be stored; create the database with ENCODING 'UTF8'");
    }

    private static async Task<StoreCheck> RunRightsCheckAsync(DbConnection connection, string login, CancellationToken cancellationToken)
    {
        using var reader = await connection.QueryMultipleAsync(new CommandDefinition(RunRights, new { tables = Tables }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var tables = (await reader.ReadAsync<RightsRow>().ConfigureAwait(false)).ToList();
        var temp = await reader.ReadSingleAsync<bool>().ConfigureAwait(false);
        var missing = tables.Where(t => t.missing.Length > 0).GroupBy(t => t.missing, StringComparer.Ordinal)
            .Select(g => $"{g.Key} on {string.Join(", ", g.Select(t => t.table_name))}").ToList();
        if (!temp)
        {
            missing.Add("TEMP on the database (the result sink's staging tables)");
        }

        if (missing.Count > 0)
        {
            return new StoreCheck("run rights", CheckOutcome.Fail, $"{login} lacks {string.Join("; ", missing)}: GRANT them");
        }

        return tables.Any(t => t.present)
            ? new StoreCheck("run rights", CheckOutcome.Pass, $"{login} may read and write every table there is and make temp tables")
            : new StoreCheck("run rights", CheckOutcome.Pass, $"{login} may make temp tables; the tables are not there yet (see schema)");
    }

    private static async Task<StoreCheck> MigrateRightsCheckAsync(DbConnection connection, ServerRow server, StoreCheck schema, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleAsync<MigrateRow>(new CommandDefinition(MigrateRights, new { tables = Tables }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var able = row.can_create && row.not_owned is null;
        var why = !row.can_create ? $"no CREATE on schema {server.schema}" : $"does not own {row.not_owned}";
        return (able, schema.Outcome) switch
        {
            (true, _) => new StoreCheck("migrate rights", CheckOutcome.Pass, $"{server.login} may create and upgrade the schema (serve, scan and db migrate do it)"),
            (false, CheckOutcome.Pass) => new StoreCheck("migrate rights", CheckOutcome.Pass,
                $"{server.login} may not ({why}); nothing to do now: a DBA applies the next esfleet's scripts (esfleet db script --provider postgres)"),
            _ => new StoreCheck("migrate rights", CheckOutcome.Fail,
                $"{server.login} may not ({why}) and the schema needs it: a DBA applies esfleet db script --provider postgres, or GRANT CREATE and ownership"),
        };
    }

    /// <summary>Hangfire's tables (schema <see cref="PostgresDatabase.HangfireSchema"/>): made by the first <c>serve</c> if the login may create a schema.</summary>
    private static async Task<StoreCheck> HangfireCheckAsync(DbConnection connection, string login, CancellationToken cancellationToken)
    {
        const string Schema = PostgresDatabase.HangfireSchema;
        var row = await connection.QuerySingleAsync<HangfireRow>(new CommandDefinition(
            HangfireStorage, new { schema = Schema, schemaTable = $"{Schema}.schema" }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (!row.present)
        {
            return row.can_create
                ? new StoreCheck("job storage", CheckOutcome.Warn, $"Hangfire's schema {Schema} is not there yet: the first esfleet serve (or worker) creates it")
                : new StoreCheck("job storage", CheckOutcome.Fail,
                    $"Hangfire's schema {Schema} is not there and {login} may not create it (no CREATE on the database): start esfleet serve once as a login that may, or GRANT CREATE ON DATABASE");
        }

        if (!row.usage)
        {
            return new StoreCheck("job storage", CheckOutcome.Fail, $"{login} may not use Hangfire's schema {Schema}: GRANT USAGE and rights on its tables");
        }

        var version = await connection.ExecuteScalarAsync<int?>(new CommandDefinition(
            $"SELECT max(version) FROM {Schema}.schema;", cancellationToken: cancellationToken)).ConfigureAwait(false);
        return new StoreCheck("job storage", CheckOutcome.Pass,
            string.Create(CultureInfo.InvariantCulture, $"Hangfire's schema {Schema} present (version {version}); serve and workers share it"));
    }

#pragma warning disable IDE1006, SA1300, CA1812 // Dapper fills these by column name.
    private sealed class ServerRow
    {
        public string version { get; set; } = string.Empty;

        public int number { get; set; }

        public string login { get; set; } = string.Empty;

        public string database { get; set; } = string.Empty;

        public string? schema { get; set; }
    }

    private sealed class EncodingRow
    {
        public string encoding { get; set; } = string.Empty;

        public string collation { get; set; } = string.Empty;

        public string ctype { get; set; } = string.Empty;
    }

    private sealed class RightsRow
    {
        public string table_name { get; set; } = string.Empty;

        public bool present { get; set; }

        public string missing { get; set; } = string.Empty;
    }

    private sealed class MigrateRow
    {
        public bool can_create { get; set; }

        public string? not_owned { get; set; }
    }

    private sealed class HangfireRow
    {
        public bool present { get; set; }

        public bool can_create { get; set; }

        public bool usage { get; set; }
    }
#pragma warning restore IDE1006, SA1300, CA1812
}
