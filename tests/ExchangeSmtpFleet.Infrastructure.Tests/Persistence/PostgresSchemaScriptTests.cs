using ExchangeSmtpFleet.Infrastructure.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Persistence;

/// <summary>
/// The <c>sql/postgres/</c> scripts on a real PostgreSQL (<see cref="PostgresFixture"/>; skipped without one): they apply in
/// order to an empty database, applying them again changes nothing, version 5 moves older keyword rows into keyword sets,
/// and they make the same tables and views with the same columns as the SQLite scripts, in the types of the SQL Server
/// scripts.
/// </summary>
public sealed class PostgresSchemaScriptTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public void Scripts_HaveTheVersionsOfTheOtherDialects()
    {
        Assert.Equal(SchemaScripts.For(SchemaScripts.Sqlite).Select(s => s.Name), PostgresSchema.Scripts.Select(s => s.Name));
    }

    [Fact]
    public async Task Scripts_OnAnEmptyDatabase_ApplyInOrder_AndAppliedAgainChangeNothing()
    {
        var database = postgres.CreateDatabase();

        await PostgresSchema.ApplyAsync(database, PostgresSchema.Scripts, Cancel);
        await PostgresSchema.ExecuteAsync(database, SampleRun, Cancel);
        var applied = await PostgresSchema.SnapshotAsync(database, Cancel);
        await PostgresSchema.ApplyAsync(database, PostgresSchema.Scripts, Cancel);
        var again = await PostgresSchema.SnapshotAsync(database, Cancel);

        Assert.Contains(applied, l => l.StartsWith("relation: keywords | v |", StringComparison.Ordinal));
        Assert.Contains(applied, l => l.StartsWith("rows of results: 2 |", StringComparison.Ordinal));
        Assert.Contains(applied, l => l.StartsWith("rows of audit_lock: 1 |", StringComparison.Ordinal));
        Assert.DoesNotContain(applied, l => l.StartsWith("index: results | ix_results_host |", StringComparison.Ordinal));
        Assert.Equal(applied, again);
    }

    [Fact]
    public async Task Version5_OnKeywordRowsOfVersion4_MovesThemIntoSets_AndTheViewShowsTheSameRows()
    {
        var database = postgres.CreateDatabase();
        await PostgresSchema.ApplyAsync(database, PostgresSchema.Scripts.Take(4), Cancel);
        await PostgresSchema.ExecuteAsync(database, SampleRunWithoutKeywords + """
            INSERT INTO keywords (run_id, host_key, phase, position, name, parameters) VALUES
                ('run-1', 'exch01:25', 'pre-tls', 0, 'SIZE', '10485760'),
                ('run-1', 'exch01:25', 'pre-tls', 1, 'XEXCH50', ''),
                ('run-1', 'exch01:25', 'post-tls', 0, 'X-EXPS', 'GSSAPI NTLM');
            """, Cancel);
        const string Keywords = "SELECT run_id, host_key, phase, position, name, parameters FROM keywords ORDER BY 1, 2, 3, 4";
        var before = await PostgresSchema.RowsAsync(database, Keywords, Cancel);

        await PostgresSchema.ApplyAsync(database, PostgresSchema.Scripts.Skip(4), Cancel);
        var sets = await PostgresSchema.RowsAsync(database, "SELECT host_key, keywords_pre_tls, keywords_post_tls FROM results ORDER BY host_key", Cancel);
        await PostgresSchema.ApplyAsync(database, PostgresSchema.Scripts.Skip(4), Cancel);

        Assert.Equal(3, before.Count);
        Assert.Equal(before, await PostgresSchema.RowsAsync(database, Keywords, Cancel));
        Assert.Matches("^exch01:25 \\| m:[0-9a-f]{64}:pre-tls \\| m:[0-9a-f]{64}:post-tls$", sets[0]);
        Assert.Equal("exch02:25 | NULL | NULL", sets[1]);
        Assert.Equal(["view"], await PostgresSchema.RowsAsync(database,
            "SELECT CASE relkind WHEN 'v' THEN 'view' ELSE 'table' END FROM pg_class WHERE oid = to_regclass('keywords')", Cancel));
        Assert.Equal(sets, await PostgresSchema.RowsAsync(database, "SELECT host_key, keywords_pre_tls, keywords_post_tls FROM results ORDER BY host_key", Cancel));
    }

    [Fact]
    public async Task Scripts_MakeTheTablesAndViewsOfTheSqliteScripts_WithTheSameColumns()
    {
        await PostgresSchema.ApplyAsync(postgres.ConnectionString, PostgresSchema.Scripts, Cancel);

        var sqlite = await SqliteColumnsAsync();
        var postgresColumns = await PostgresSchema.ColumnsAsync(postgres.ConnectionString, Cancel);

        Assert.Contains("keywords", postgresColumns.Keys);
        Assert.Equal(sqlite.Keys.Order(StringComparer.Ordinal), postgresColumns.Keys.Order(StringComparer.Ordinal));
        foreach (var (table, columns) in sqlite)
        {
            Assert.Equal(columns, postgresColumns[table]);
        }
    }

    [Fact]
    public async Task Scripts_ColumnTypesAndNullability_AreThoseOfTheSqlServerScripts()
    {
        await PostgresSchema.ApplyAsync(postgres.ConnectionString, PostgresSchema.Scripts, Cancel);

        var sqlServer = SqlServerColumnTypes();
        var postgresTypes = await PostgresSchema.ColumnTypesAsync(postgres.ConnectionString, Cancel);

        Assert.NotEmpty(postgresTypes);
        Assert.All(postgresTypes, c =>
        {
            Assert.True(sqlServer.TryGetValue(c.Key, out var expected), $"{c.Key.Table}.{c.Key.Column} is not in the SQL Server scripts");
            Assert.Equal((expected.Type, expected.NotNull), c.Value);
        });
    }

    /// <summary>A run as a writer of version 2 or later leaves it (run_started_at set), every table of version 4 with rows.</summary>
    private const string SampleRunWithoutKeywords = """
        INSERT INTO runs (run_id, kind, started_at, status, inventory_path, host_count, problem_count, disabled_count, concurrency, probe_options, tool_version)
            VALUES ('run-1', 'scan', '2026-11-30T02:00:00Z', 'Completed', '/etc/esfleet/inventory.csv', 2, 1, 0, 64, '{}', '0.1.0');
        INSERT INTO run_hosts (run_id, host_key, host, port, name, site, owner, profile, ignore_verbs, line_number) VALUES
            ('run-1', 'exch01:25', 'exch01', 25, 'EXCH01', 'Berlin', NULL, 'exchange-2003', '', 2),
            ('run-1', 'exch02:25', 'exch02', 25, NULL, NULL, NULL, 'exchange-2003', '', 3);
        INSERT INTO results (run_id, host_key, verdict, reason, family, family_evidence, missing, unexpected, attempts, total_ms, probed_at, run_started_at) VALUES
            ('run-1', 'exch01:25', 'Healthy', 'ProfileSatisfied', 'microsoft-exchange-2000/2003', 'keywords', '', '', 1, 12.5, '2026-11-30T02:00:01Z', '2026-11-30T02:00:00Z'),
            ('run-1', 'exch02:25', 'Unreachable', 'ConnectionRefused', 'unknown', '', '', '', 2, 3.25, '2026-11-30T02:00:02Z', '2026-11-30T02:00:00Z');
        INSERT INTO findings (run_id, host_key, position, code, severity, arguments, message)
            VALUES ('run-1', 'exch01:25', 0, 'SlowGreeting', 'Warning', '12', 'slow greeting');
        INSERT INTO inventory_problems (run_id, position, line_number, reason, raw_text) VALUES ('run-1', 0, 4, 'MissingHost', ',25');
        INSERT INTO run_steps (run_id, step, job_id, done_at) VALUES ('run-1', 'report', '17', '2026-11-30T02:01:00Z');
        INSERT INTO mails (run_id, sent_at, recipients) VALUES ('run-1', '2026-11-30T02:02:00Z', 'ops@example.com');
        """;

    /// <summary>A run of version 5: every table has rows, the result of exch01 names a keyword set per phase.</summary>
    private const string SampleRun = SampleRunWithoutKeywords + """
        INSERT INTO keyword_sets (set_id, position, name, parameters) VALUES
            ('k:0123456789abcdef0123456789abcdef', 0, 'SIZE', '10485760'), ('k:0123456789abcdef0123456789abcdef', 1, 'XEXCH50', '');
        UPDATE results SET keywords_pre_tls = 'k:0123456789abcdef0123456789abcdef', keywords_post_tls = 'k:0123456789abcdef0123456789abcdef',
            verdict_since = '2026-11-29T02:00:00Z', previous_verdict = 'Healthy'
        WHERE host_key = 'exch01:25';
        UPDATE audit_lock SET run_id = 'run-1', taken_at = '2026-11-30T02:00:00Z';
        """;

    /// <summary>The tables and views the SQLite scripts make (as the existing dialect test reads them), with their columns.</summary>
    private static async Task<Dictionary<string, List<string>>> SqliteColumnsAsync()
    {
        var path = Path.Combine(Path.GetTempPath(), $"esf-schema-{Guid.NewGuid():N}.db");
        await SqliteStorages.At(path).Maintenance.MigrateAsync(Cancel);
        var tables = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync(Cancel);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type IN ('table', 'view') AND m.name <> 'schema_versions' ORDER BY m.name, p.cid";
        await using var reader = await command.ExecuteReaderAsync(Cancel);
        while (await reader.ReadAsync(Cancel))
        {
            (tables.TryGetValue(reader.GetString(0), out var columns) ? columns : tables[reader.GetString(0)] = []).Add(reader.GetString(1));
        }

        return tables;
    }

    /// <summary>
    /// Every column the SQL Server scripts declare (CREATE TABLE, ALTER TABLE ... ADD), as the PostgreSQL type it stands for:
    /// DATETIME2 a timestamptz, NVARCHAR(n) a varchar(n), NVARCHAR(MAX) text, INT integer, FLOAT double precision.
    /// </summary>
    private static Dictionary<(string Table, string Column), (string Type, bool NotNull)> SqlServerColumnTypes()
    {
        var collector = new ColumnCollector();
        foreach (var (_, text) in SchemaScripts.For(SchemaScripts.SqlServer))
        {
            TSqlSchema.Parse(text).Fragment.Accept(collector);
        }

        return collector.Columns;
    }

    private sealed class ColumnCollector : TSqlFragmentVisitor
    {
        public Dictionary<(string Table, string Column), (string Type, bool NotNull)> Columns { get; } = [];

        public override void Visit(CreateTableStatement node) => Add(node.SchemaObjectName, node.Definition.ColumnDefinitions);

        public override void Visit(AlterTableAddTableElementStatement node) => Add(node.SchemaObjectName, node.Definition.ColumnDefinitions);

        private void Add(SchemaObjectName table, IEnumerable<ColumnDefinition> columns)
        {
            foreach (var column in columns)
            {
                var type = (SqlDataTypeReference)column.DataType;
                var length = type.Parameters.Count == 1 ? type.Parameters[0] : null;
                var postgres = type.SqlDataTypeOption switch
                {
                    SqlDataTypeOption.NVarChar when length is MaxLiteral => "text",
                    SqlDataTypeOption.NVarChar => $"character varying({length!.Value})",
                    SqlDataTypeOption.DateTime2 => "timestamp with time zone",
                    SqlDataTypeOption.Int => "integer",
                    SqlDataTypeOption.Float => "double precision",
                    var other => $"no PostgreSQL type for {other}",
                };
                var notNull = column.Constraints.OfType<NullableConstraintDefinition>().Single().Nullable is false;
                Columns[(table.BaseIdentifier.Value, column.ColumnIdentifier.Value)] = (postgres, notNull);
            }
        }
    }
}
