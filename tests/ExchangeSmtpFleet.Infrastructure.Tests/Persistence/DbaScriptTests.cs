using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Infrastructure.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Persistence;

/// <summary>
/// The schema as a DBA applies it (<c>esfleet db script</c>, issue 21 item 4): with the journal esfleet reads. On SQL Server
/// safe to apply twice, proved statement by statement from the parse tree (<see cref="TSqlGuards"/>: no server here); on
/// SQLite applied to a new file, which esfleet then takes as its own.
/// </summary>
public sealed class DbaScriptTests
{
    public static TheoryData<string> SqlServerScripts() => [.. SchemaScripts.For(SchemaScripts.SqlServer).Select(s => s.Name)];

    [Theory]
    [MemberData(nameof(SqlServerScripts))]
    public void SqlServerScript_EveryStatement_IsGuardedOrIdempotent(string name)
    {
        var script = SchemaScripts.For(SchemaScripts.SqlServer).Single(s => s.Name == name).Text;

        Assert.Empty(TSqlGuards.Unguarded(script));
    }

    [Fact]
    public void SqlServerDbaScript_AppliedTwice_ChangesNothing_ByItsGuards()
    {
        var script = DbaScript.For(SchemaScripts.SqlServer, "9.9.9");

        Assert.Empty(TSqlGuards.Unguarded(script));
        Assert.Contains(SqlServerDatabase.CreateJournal, script, StringComparison.Ordinal);
    }

    [Fact]
    public void SqlServerDbaScript_WritesOneJournalRowPerScript_InItsTransaction()
    {
        var (fragment, _) = TSqlSchema.Parse(DbaScript.For(SchemaScripts.SqlServer, "9.9.9"));
        var journaled = ((TSqlScript)fragment).Batches.SelectMany(b => b.Statements).OfType<IfStatement>()
            .Where(i => i.ThenStatement is InsertStatement { InsertSpecification.Target: NamedTableReference { SchemaObject.BaseIdentifier.Value: "schema_versions" } })
            .Select(i => ((StringLiteral)((ValuesInsertSource)((InsertStatement)i.ThenStatement).InsertSpecification.InsertSource).RowValues[0].ColumnValues[0]).Value)
            .ToList();

        Assert.Equal(SchemaScripts.For(SchemaScripts.SqlServer).Select(s => s.Name), journaled);
    }

    [Fact]
    public void SqlServerDbaScript_TakesTheSchemaLockEsfleetTakes()
    {
        var script = DbaScript.For(SchemaScripts.SqlServer, "9.9.9");

        Assert.Contains($"sp_getapplock @Resource = N'{SqlServerDatabase.SchemaLockResource}'", script, StringComparison.Ordinal);
        Assert.Contains($"sp_releaseapplock @Resource = N'{SqlServerDatabase.SchemaLockResource}'", script, StringComparison.Ordinal);
        Assert.Contains("SQL Server 2016 SP1", script, StringComparison.Ordinal);
    }

    /// <summary>The walk can fail: a guard for tables only, a missing guard, a guard naming another table, an UPDATE of every row.</summary>
    [Theory]
    [InlineData("IF OBJECT_ID(N'dbo.keywords', N'U') IS NULL CREATE TABLE dbo.keywords (a INT);", "any object of the name")]
    [InlineData("CREATE TABLE dbo.runs (a INT);", "without a guard")]
    [InlineData("IF OBJECT_ID(N'dbo.runs') IS NULL CREATE TABLE dbo.results (a INT);", "OBJECT_ID(N'dbo.results') IS NULL")]
    [InlineData("UPDATE dbo.runs SET status = N'Failed';", "still NULL")]
    [InlineData("IF NOT EXISTS (SELECT 1 FROM dbo.runs) INSERT INTO dbo.mails (run_id) VALUES (N'x');", "NOT EXISTS over its table")]
    [InlineData("CREATE INDEX ix ON dbo.runs (status);", "without a guard")]
    public void Guards_ThatDoNotHold_AreReported(string script, string expected)
    {
        Assert.Contains(TSqlGuards.Unguarded(script), p => p.Contains(expected, StringComparison.Ordinal));
    }

    /// <summary>
    /// SQLite's script makes a new file that esfleet takes as its own (journal complete, nothing applied again). It is not
    /// for applying twice: SQLite cannot guard ADD COLUMN, so its scripts rely on the journal, which esfleet reads.
    /// </summary>
    [Fact]
    public async Task SqliteDbaScript_OnANewFile_IsTheSchemaEsfleetMakes()
    {
        var byHand = SqliteStorages.NewPath();
        Directory.CreateDirectory(Path.GetDirectoryName(byHand)!);
        var byEsfleet = SqliteStorages.NewPath();

        await ExecuteAsync(byHand, DbaScript.For(SchemaScripts.Sqlite, "9.9.9"));
        var applied = await SchemaAsync(byHand);
        await SqliteStorages.At(byEsfleet).Maintenance.MigrateAsync(TestContext.Current.CancellationToken);

        Assert.Equal(await SchemaAsync(byEsfleet), applied);
        Assert.Empty(await SqliteStorages.At(byHand).History.ListRunsAsync(5, TestContext.Current.CancellationToken));
        Assert.Equal(applied, await SchemaAsync(byHand));
        Assert.Equal(CheckOutcome.Pass, (await SqliteStorages.At(byHand).Maintenance.CheckAsync(TestContext.Current.CancellationToken)).Single(c => c.Name == "schema").Outcome);
    }

    private static async Task<SqliteConnection> OpenAsync(string path)
    {
        var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        return connection;
    }

    private static async Task ExecuteAsync(string path, string script)
    {
        await using var connection = await OpenAsync(path);
        await using var command = connection.CreateCommand();
        command.CommandText = script;
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    private static async Task<List<string>> SchemaAsync(string path)
    {
        await using var connection = await OpenAsync(path);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT type || '|' || name || '|' || COALESCE(sql, '') FROM sqlite_master ORDER BY type, name";
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }
}
