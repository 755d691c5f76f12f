using System.Data;
using Dapper;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Infrastructure.Persistence;
using static ExchangeSmtpFleet.Infrastructure.Tests.Persistence.Outcomes;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Persistence.SqlServerOffline;

/// <summary>
/// Issue 21, item 3: every time the SQL Server store sends goes as <c>DATETIME2</c>, to the tick. Dapper sets no type for a
/// <see cref="DateTime"/> and SqlClient then sends the legacy <c>DATETIME</c> (1/300 s). Checked without a server: the roles
/// run over a connection that records each command's SqlClient parameters.
/// </summary>
public sealed class SqlServerTimeParameterTests
{
    private static readonly DateTimeOffset Odd = new DateTimeOffset(2026, 11, 30, 2, 0, 0, TimeSpan.Zero).AddTicks(1234567);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DateTime_AsDapperSendsItToSqlClient_IsTheLegacyType()
    {
        // What this issue is about: without the store's own parameter a DateTime goes as DATETIME.
        var log = new List<RecordedCommand>();
        await new RecordingSqlConnection(log).ExecuteAsync(new CommandDefinition("SELECT @at;", new { at = Odd.UtcDateTime }, cancellationToken: Token));

        Assert.Equal(SqlDbType.DateTime, Assert.Single(Assert.Single(log).Parameters).Type);
    }

    [Fact]
    public async Task ToDatabase_AsDapperSendsIt_IsDateTime2ToTheTick()
    {
        var db = new SqlServerDatabase("Server=recorder;Database=esfleet", TimeProvider.System);
        var log = new List<RecordedCommand>();

        await new RecordingSqlConnection(log).ExecuteAsync(new CommandDefinition("SELECT @at;", new { at = db.ToDatabase(Odd) }, cancellationToken: Token));

        var (name, type, value) = Assert.Single(Assert.Single(log).Parameters);
        Assert.Equal("at", name.TrimStart('@'));
        Assert.Equal(SqlDbType.DateTime2, type);
        Assert.Equal(Odd.UtcDateTime, Assert.IsType<DateTime>(value));
        Assert.Equal(DateTimeKind.Utc, ((DateTime)value!).Kind);
    }

    [Fact]
    public async Task EveryTimeTheRolesSend_IsDateTime2()
    {
        var log = new List<RecordedCommand>();
        var db = new SqlServerDatabase("Server=recorder;Database=esfleet", new FixedTime(Odd))
        {
            Connect = _ => Task.FromResult<System.Data.Common.DbConnection>(new RecordingSqlConnection(log)),
        };
        var storage = AuditStorage.SqlServer(db);

        await storage.Ledger.TakeAuditLockAsync("audit-1", Odd, Odd.AddHours(-20), Token);
        await storage.Ledger.CompleteStepAsync("audit-1", RunSteps.Report, "job-1", Odd, Token);
        await storage.Ledger.RecordMailedAsync("audit-1", Odd, "ops@corp.example", Token);
        await storage.Writer.FinishRunAsync("audit-1", AuditRunStatus.Completed, Odd, Token);
        await storage.Maintenance.PruneTranscriptsAsync(Odd, Token);
        await storage.Maintenance.PruneRunsAsync(Odd, Token);
        var run = Run("audit-1", Odd, 1);
        await new RecordingSqlConnection(log).ExecuteAsync(new CommandDefinition(
            "SELECT @startedAt;", SqlServerRunWriter.RunRow(db, run, Fleet(1), new RunBatches(1, 500)), cancellationToken: Token));

        var times = log.SelectMany(c => c.Parameters.Where(p => p.Value is DateTime).Select(p => (Command: c.Text, p.Name, p.Type, Value: (DateTime)p.Value!))).ToList();
        var journalRows = log.Count(c => c.Text.Contains("INSERT INTO dbo.schema_versions", StringComparison.Ordinal));
        Assert.Equal(SchemaScripts.For(SchemaScripts.SqlServer).Count, journalRows);
        Assert.Equal(3 + 1 + 1 + 1 + 1 + 1 + 1 + journalRows, times.Count);
        Assert.All(times, t => Assert.True(t.Type == SqlDbType.DateTime2, $"{t.Name} of {t.Command.Split('\n')[0]} is sent as {t.Type}"));
        Assert.All(times, t => Assert.Equal(Odd.Ticks % TimeSpan.TicksPerSecond, t.Value.Ticks % TimeSpan.TicksPerSecond));
    }

    /// <summary>A clock standing at one time (when a schema script is journaled).</summary>
    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
