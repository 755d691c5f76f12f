using System.Data;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Protocol;
using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Infrastructure.Persistence;
using static ExchangeSmtpFleet.Infrastructure.Tests.Persistence.Outcomes;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Persistence.SqlServerOffline;

/// <summary>
/// Issue 21, item 6: text from outside (a server's keywords and version, the inventory's Name, Site, Owner and path) longer
/// than SQL Server's columns. SqlBulkCopy checks lengths on the client and throws, which failed a batch (or every night's
/// start) for good. Checked without a server: the rows the SQL Server writers would bulk-copy hold what SQLite stores, and
/// every value fits its column as the scripts declare it.
/// </summary>
public sealed class OverlongValueTests
{
    private static readonly string LongKeyword = "X-" + new string('K', 2998);

    [Fact]
    public async Task OverlongValues_AsSqlServerWouldCopyThem_AreWhatSqliteStores()
    {
        var (run, inventory, outcome) = Overlong();
        var sqlite = SqliteStorages.New();
        var sink = await BeginAsync(sqlite, run, inventory);
        await sink.WriteAsync([outcome], TestContext.Current.CancellationToken);
        await sink.DisposeAsync();

        var sets = SqlServerResultSink.KeywordSetRows();
        var results = SqlServerResultSink.Results(run.RunId, run.StartedAt.UtcDateTime, [outcome], sets);
        var hosts = SqlServerRunWriter.RunHosts(run.RunId, inventory);
        var row = RunParameters.Of(run, inventory, run.StartedAt);

        var stored = await sqlite.History.ReadResultsAsync(run.RunId, TestContext.Current.CancellationToken).SingleAsync(TestContext.Current.CancellationToken);
        Assert.Equal([stored.Name, stored.Site, stored.Owner], [hosts.Rows[0]["name"], hosts.Rows[0]["site"], hosts.Rows[0]["owner"]]);
        var keywords = await sqlite.History.ReadKeywordsAsync(run.RunId, TestContext.Current.CancellationToken).SingleAsync(TestContext.Current.CancellationToken);
        Assert.Equal(keywords.Keywords, sets.Rows.Cast<DataRow>().Where(r => r["set_id"].Equals(results.Rows[0]["keywords_pre_tls"])).Select(r => (string)r["name"]));
        var evidence = await sqlite.History.ReadEvidenceAsync(run.RunId, TestContext.Current.CancellationToken).SingleAsync(TestContext.Current.CancellationToken);
        Assert.Equal(evidence.Version, results.Rows[0]["version"]);
        var storedRun = await sqlite.History.FindRunAsync(run.RunId, TestContext.Current.CancellationToken);
        Assert.Equal(storedRun!.InventoryPath, row.InventoryPath);

        // And what that is: cut to the column with the mark, the rest of the list as it was.
        Assert.Contains(keywords.Keywords, k => k == "X-" + new string('K', StoredLimits.KeywordName - 3) + StoredLimits.CutMark);
        Assert.Contains("XEXCH50", keywords.Keywords);
        Assert.Equal(StoredLimits.Label, stored.Name!.Length);
        Assert.EndsWith(StoredLimits.CutMark, stored.Site, StringComparison.Ordinal);
        Assert.Equal("short owner", stored.Owner);
        Assert.Equal(StoredLimits.Version, evidence.Version!.Length);
        Assert.Equal(StoredLimits.InventoryPath, storedRun.InventoryPath.Length);
    }

    [Fact]
    public void OverlongValues_EveryValueSqlServerWouldCopy_FitsItsColumn()
    {
        var (run, inventory, outcome) = Overlong();
        var sets = SqlServerResultSink.KeywordSetRows();
        var widths = TSqlSchema.CharacterWidths(SchemaScripts.For(SchemaScripts.SqlServer).Select(s => s.Text).Append(SqlServerResultSink.CreateStaging));

        var copied = new (string Table, DataTable Rows)[]
        {
            ("#results", SqlServerResultSink.Results(run.RunId, run.StartedAt.UtcDateTime, [outcome], sets)),
            ("#keyword_sets", sets),
            ("#findings", SqlServerResultSink.Findings(run.RunId, [outcome])),
            ("run_hosts", SqlServerRunWriter.RunHosts(run.RunId, inventory)),
            ("inventory_problems", SqlServerRunWriter.Problems(run.RunId, inventory)),
        };

        foreach (var (table, rows) in copied)
        {
            Assert.NotEmpty(rows.Rows);
            foreach (DataColumn column in rows.Columns)
            {
                if (column.DataType != typeof(string))
                {
                    continue;
                }

                Assert.True(widths[table].TryGetValue(column.ColumnName, out var width), $"{table}.{column.ColumnName} is not a character column of the scripts");
                var longest = rows.Rows.Cast<DataRow>().Select(r => r[column] as string).Max(v => v?.Length ?? 0);
                Assert.True(width is null || longest <= width, $"{table}.{column.ColumnName}: {longest} characters into NVARCHAR({width})");
            }
        }

        var row = RunParameters.Of(run, inventory, run.StartedAt);
        Assert.True(row.InventoryPath.Length <= widths["runs"]["inventory_path"]);
        Assert.True(row.ToolVersion.Length <= widths["runs"]["tool_version"]);
    }

    [Theory]
    [InlineData("short", 10, "short")]
    [InlineData("0123456789", 10, "0123456789")]
    [InlineData("0123456789A", 10, "012345678\u2026")]
    public void Cut_KeepsWhatFits_AndMarksWhatIsCut(string value, int width, string expected)
    {
        Assert.Equal(expected, StoredLimits.Cut(value, width));
    }

    [Fact]
    public void Cut_NeverSplitsASurrogatePair()
    {
        var cut = StoredLimits.Cut("abcdefgh\U0001F600xyz", 10)!;

        Assert.Equal("abcdefgh\u2026", cut);
        Assert.True(cut.Length <= 10);
    }

    /// <summary>A run whose inventory path, host columns, keyword and version are all too long for SQL Server's columns.</summary>
    private static (Core.Auditing.AuditRun Run, Core.Inventory.InventoryReadResult Inventory, Core.Auditing.HostOutcome Outcome) Overlong()
    {
        var host = Host(1) with { Name = new string('N', 300), Site = "S" + new string('s', 1000), Owner = "short owner" };
        var inventory = Fleet(1) with { Hosts = [host] };
        var run = Run("scan-overlong", Night, 1) with { InventoryPath = "/srv/" + new string('p', 2000) + "/inventory.csv" };
        var plain = Outcome(host, Verdict.Healthy, Night);
        var outcome = plain with
        {
            Classification = plain.Classification with
            {
                Keywords = [.. plain.Classification.Keywords, EhloKeyword.Parse(LongKeyword + " a b")],
                Version = "6.0." + new string('9', 500),
            },
        };
        return (run, inventory, outcome);
    }
}
