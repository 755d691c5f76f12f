using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Infrastructure.Persistence;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Persistence;

/// <summary>
/// No SQL Server runs where these tests run: every T-SQL statement of the SQL Server store is parsed with ScriptDom, and
/// every table and column it names must be one the schema scripts (or the statement's own temp tables) create.
/// </summary>
public sealed class SqlServerStatementTests
{
    public static TheoryData<string> Statements() => [.. SqlServerDatabase.Statements().Select(s => s.Name)];

    [Theory]
    [MemberData(nameof(Statements))]
    public void Statement_ParsesWithoutErrors(string name)
    {
        var (_, errors) = TSqlSchema.Parse(Text(name));

        Assert.Empty(errors.Select(e => $"line {e.Line} column {e.Column}: {e.Message}"));
    }

    [Theory]
    [MemberData(nameof(Statements))]
    public void Statement_NamesOnlyTablesAndColumnsThatExist(string name)
    {
        var tables = KnownTables();
        var walker = new NameWalker();
        TSqlSchema.Parse(Text(name)).Fragment.Accept(walker);

        foreach (var table in walker.Tables.Except(walker.Aliases, StringComparer.OrdinalIgnoreCase))
        {
            Assert.True(tables.ContainsKey(table), $"{name} names the table {table}, which no script creates");
        }

        var columns = walker.Tables.Where(tables.ContainsKey).SelectMany(t => tables[t]).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var column in walker.Columns.Except(walker.Aliases, StringComparer.OrdinalIgnoreCase))
        {
            Assert.True(columns.Contains(column), $"{name} names the column {column}, which none of its tables has");
        }
    }

    /// <summary>
    /// Issue 21, item 2: a temp table takes tempdb's (the server's) collation; joined with the database's columns in another
    /// collation that is error 468 on every write. Every character column of every temp table a statement creates declares
    /// COLLATE DATABASE_DEFAULT.
    /// </summary>
    [Fact]
    public void TempTables_EveryCharacterColumn_TakesTheDatabaseCollation()
    {
        var temp = SqlServerDatabase.Statements()
            .SelectMany(s => Creates(s.Text).Select(c => (Statement: s.Name, Table: c)))
            .Where(c => c.Table.SchemaObjectName.BaseIdentifier.Value.StartsWith('#'))
            .ToList();

        Assert.Equal(["#results", "#keyword_sets", "#findings"], temp.Select(t => t.Table.SchemaObjectName.BaseIdentifier.Value));
        foreach (var (statement, table) in temp)
        {
            var characters = table.Definition.ColumnDefinitions.Where(TSqlSchema.IsCharacter).ToList();
            Assert.NotEmpty(characters);
            Assert.All(characters, c => Assert.True(
                string.Equals(c.Collation?.Value, "DATABASE_DEFAULT", StringComparison.OrdinalIgnoreCase),
                $"{statement}: {table.SchemaObjectName.BaseIdentifier.Value}.{c.ColumnIdentifier.Value} has no COLLATE DATABASE_DEFAULT"));
        }
    }

    [Fact]
    public void Statements_AreAllChecked()
    {
        Assert.True(SqlServerDatabase.Statements().Count() >= 15, "the reflection over the SQL Server roles found too few statements");
    }

    [Fact]
    public void Batches_SplitAtGoLinesOnly()
    {
        var batches = SqlServerDatabase.Batches("CREATE TABLE a (x INT);\nGO\nSELECT 'GO' AS go_text;\n  go  \nSELECT 1;\n").ToList();

        Assert.Equal(3, batches.Count);
        Assert.Contains("'GO'", batches[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Description_NamesServerAndDatabaseButNeverThePassword()
    {
        var store = AuditStorage.SqlServer("Server=db1.corp.example,1433;Database=esfleet;User Id=esf;Password=Secr3t!word;TrustServerCertificate=true", TimeProvider.System);

        Assert.Equal("SQL Server database esfleet on db1.corp.example,1433", store.Description);
        Assert.DoesNotContain("Secr3t", store.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void ConnectionString_Unreadable_IsAStoreExceptionWithoutTheString()
    {
        var error = Assert.Throws<StoreException>(() => AuditStorage.SqlServer("Server=db1;Password='Secr3t;Bogus Keyword=1", TimeProvider.System));

        Assert.DoesNotContain("Secr3t", error.Message, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings:Fleet", error.Message, StringComparison.Ordinal);
    }

    private static string Text(string name) => SqlServerDatabase.Statements().Single(s => s.Name == name).Text;


    /// <summary>
    /// The tables of the schema scripts, the journal and the staging temp tables, with their columns; and the columns of the
    /// system views and of Hangfire's schema table that <c>db check</c> reads (as the server documents them).
    /// </summary>
    private static Dictionary<string, List<string>> KnownTables()
    {
        var tables = TSqlSchema.Tables(SchemaScripts.For(SchemaScripts.SqlServer).Select(s => s.Text)
            .Append(SqlServerDatabase.CreateJournal).Append(SqlServerResultSink.CreateStaging));
        tables["databases"] = ["database_id", "name", "is_read_committed_snapshot_on", "compatibility_level", "collation_name"];
        tables["indexes"] = ["object_id", "name", "index_id"];
        tables["Schema"] = ["Version"];
        return tables;
    }

    private static List<CreateTableStatement> Creates(string text)
    {
        var creates = new CreateCollector();
        TSqlSchema.Parse(text).Fragment.Accept(creates);
        return creates.Found;
    }

    private sealed class CreateCollector : TSqlFragmentVisitor
    {
        public List<CreateTableStatement> Found { get; } = [];

        public override void Visit(CreateTableStatement node) => Found.Add(node);
    }


    /// <summary>Tables, aliases (of tables and of selected values) and columns a statement names.</summary>
    private sealed class NameWalker : TSqlFragmentVisitor
    {
        public HashSet<string> Tables { get; } = new(StringComparer.OrdinalIgnoreCase);

        public HashSet<string> Aliases { get; } = new(StringComparer.OrdinalIgnoreCase);

        public HashSet<string> Columns { get; } = new(StringComparer.OrdinalIgnoreCase);

        public override void Visit(NamedTableReference node)
        {
            Tables.Add(node.SchemaObject.BaseIdentifier.Value);
            if (node.Alias is { } alias)
            {
                Aliases.Add(alias.Value);
            }
        }

        public override void Visit(CreateTableStatement node) => Tables.Add(node.SchemaObjectName.BaseIdentifier.Value);

        public override void Visit(QueryDerivedTable node)
        {
            if (node.Alias is { } alias)
            {
                Aliases.Add(alias.Value);
            }
        }

        /// <summary>A <c>(VALUES ...) AS t (name)</c>: its alias and its columns' names.</summary>
        public override void Visit(InlineDerivedTable node)
        {
            if (node.Alias is { } alias)
            {
                Aliases.Add(alias.Value);
            }

            Aliases.UnionWith(node.Columns.Select(c => c.Value));
        }

        public override void Visit(SelectScalarExpression node)
        {
            if (node.ColumnName?.Value is { } alias)
            {
                Aliases.Add(alias);
            }
        }

        public override void Visit(ColumnReferenceExpression node)
        {
            if (node.MultiPartIdentifier is { Count: > 0 } identifier)
            {
                Columns.Add(identifier.Identifiers[^1].Value);
            }
        }
    }
}
