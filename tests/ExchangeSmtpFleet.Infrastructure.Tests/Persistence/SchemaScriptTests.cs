using ExchangeSmtpFleet.Infrastructure.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Persistence;

/// <summary>
/// The SQL Server scripts cannot run here (no SQL Server on these machines): they are parsed with ScriptDom, every table,
/// index and key is checked against the tables and columns the scripts create, and the two dialects must create the
/// same tables with the same columns.
/// </summary>
public sealed class SchemaScriptTests
{
    public static TheoryData<string> SqlServerScripts() => [.. SchemaScripts.For(SchemaScripts.SqlServer).Select(s => s.Name)];

    [Fact]
    public void Scripts_BothDialects_HaveTheSameVersions()
    {
        Assert.NotEmpty(SchemaScripts.For(SchemaScripts.Sqlite));
        Assert.Equal(SchemaScripts.For(SchemaScripts.Sqlite).Select(s => s.Name), SchemaScripts.For(SchemaScripts.SqlServer).Select(s => s.Name));
    }

    [Theory]
    [MemberData(nameof(SqlServerScripts))]
    public void SqlServerScript_ParsesWithoutErrors(string name)
    {
        var (_, errors) = TSqlSchema.Parse(Script(name));

        Assert.Empty(errors.Select(e => $"line {e.Line} column {e.Column}: {e.Message}"));
    }

    [Fact]
    public void SqlServerScripts_KeysAndIndexes_NameOnlyTablesAndColumnsTheyCreate()
    {
        var tables = SqlServerTables();
        var walker = new ReferenceWalker();
        foreach (var (_, text) in SchemaScripts.For(SchemaScripts.SqlServer))
        {
            TSqlSchema.Parse(text).Fragment.Accept(walker);
        }

        Assert.NotEmpty(walker.References);
        foreach (var (table, columns) in walker.References)
        {
            Assert.True(tables.TryGetValue(table, out var created), $"{table} is referenced but not created");
            Assert.All(columns, c => Assert.Contains(c, created!));
        }
    }

    [Fact]
    public async Task Dialects_CreateTheSameTablesAndViewsWithTheSameColumns()
    {
        var path = Path.Combine(Path.GetTempPath(), $"esf-schema-{Guid.NewGuid():N}.db");
        await SqliteStorages.At(path).Maintenance.MigrateAsync(TestContext.Current.CancellationToken);
        var sqlite = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type IN ('table', 'view') AND m.name <> 'schema_versions' ORDER BY m.name, p.cid";
            await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                (sqlite.TryGetValue(reader.GetString(0), out var columns) ? columns : sqlite[reader.GetString(0)] = []).Add(reader.GetString(1));
            }
        }

        var sqlServer = SqlServerTables();
        Assert.Equal(sqlite.Keys.Order(StringComparer.Ordinal), sqlServer.Keys.Order(StringComparer.Ordinal));
        foreach (var (table, columns) in sqlite)
        {
            Assert.Equal(columns, sqlServer[table]);
        }
    }

    private static string Script(string name) => SchemaScripts.For(SchemaScripts.SqlServer).Single(s => s.Name == name).Text;


    /// <summary>Every table the SQL Server scripts create, with its columns in order (without the schema name).</summary>
    private static Dictionary<string, List<string>> SqlServerTables() => TSqlSchema.Tables(SchemaScripts.For(SchemaScripts.SqlServer).Select(s => s.Text));


    /// <summary>Collects what indexes and foreign keys point at: (table, columns).</summary>
    private sealed class ReferenceWalker : TSqlFragmentVisitor
    {
        private string? _table;

        public List<(string Table, List<string> Columns)> References { get; } = [];

        public override void Visit(CreateTableStatement node) => _table = node.SchemaObjectName.BaseIdentifier.Value;

        public override void Visit(CreateIndexStatement node) => References.Add((node.OnName.BaseIdentifier.Value,
            [.. node.Columns.Select(c => c.Column.MultiPartIdentifier.Identifiers[^1].Value),
             .. node.IncludeColumns.Select(c => c.MultiPartIdentifier.Identifiers[^1].Value)]));

        public override void Visit(ForeignKeyConstraintDefinition node)
        {
            References.Add((node.ReferenceTableName.BaseIdentifier.Value, [.. node.ReferencedTableColumns.Select(c => c.Value)]));
            if (_table is not null && node.Columns.Count > 0)
            {
                References.Add((_table, [.. node.Columns.Select(c => c.Value)]));
            }
        }

        public override void Visit(UniqueConstraintDefinition node)
        {
            if (_table is not null)
            {
                References.Add((_table, [.. node.Columns.Select(c => c.Column.MultiPartIdentifier.Identifiers[^1].Value)]));
            }
        }
    }
}
