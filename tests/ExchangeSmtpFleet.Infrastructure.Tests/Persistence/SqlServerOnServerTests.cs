using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Infrastructure.Persistence;
using Microsoft.Data.SqlClient;
using static ExchangeSmtpFleet.Infrastructure.Tests.Persistence.Outcomes;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Persistence;

/// <summary>
/// What only a SQL Server can show (issue 21), run when <c>ESF_TEST_SQLSERVER</c> names one and skipped otherwise; the
/// contract suites run on the same fixture (a collation other than the server's, the DBA's script, the running login).
/// </summary>
public sealed class SqlServerOnServerTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>Item 8: processes starting together on an empty database apply each script once, one after the other.</summary>
    [Fact]
    public async Task Migrate_FromFourProcessesAtOnce_OnAnEmptyDatabase_AppliesEachScriptOnce()
    {
        var (admin, _, _) = SqlServerStorages.NewDatabase(applySchema: false);

        // Four database objects: four semaphores, as four processes would have.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => AuditStorage.SqlServer(admin, TimeProvider.System).Maintenance.MigrateAsync(Token))));

        await using var connection = new SqlConnection(admin);
        await connection.OpenAsync(Token);
        await using var command = new SqlCommand("SELECT script FROM dbo.schema_versions ORDER BY script", connection);
        var journal = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(Token))
        {
            while (await reader.ReadAsync(Token))
            {
                journal.Add(reader.GetString(0));
            }
        }

        Assert.Equal(SchemaScripts.For(SchemaScripts.SqlServer).Select(s => s.Name), journal);
    }

    /// <summary>Items 4 and 5: a login with the running rights only, on a database without the schema, is told that a DBA applies it.</summary>
    [Fact]
    public async Task RunningLogin_OnADatabaseWithoutTheSchema_IsToldToHaveItApplied()
    {
        var (_, runner, _) = SqlServerStorages.NewDatabase(applySchema: false);

        var error = await Assert.ThrowsAsync<StoreException>(() => AuditStorage.SqlServer(runner, TimeProvider.System).Maintenance.MigrateAsync(Token));

        Assert.Contains("esfleet db script", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Item 7: writers of two runs at once, every host with the same keyword list (one set), all succeed; the set is stored once.</summary>
    [Fact]
    public async Task Writers_AddingTheSameKeywordSetAtOnce_AllSucceed()
    {
        var store = SqlServerStorages.New();

        await Task.WhenAll(Enumerable.Range(1, 4).Select(n =>
            StoreRunAsync(store, $"scan-{n}", Night.AddMinutes(n), [.. Enumerable.Repeat(Verdict.Healthy, 40)], batches: 8)));

        foreach (var n in Enumerable.Range(1, 4))
        {
            Assert.Equal(40, (await store.History.FindRunAsync($"scan-{n}", Token))!.Results);
        }
    }

    /// <summary>Item 3: a time written through Dapper comes back to the tick (DATETIME would round it to 1/300 s).</summary>
    [Fact]
    public async Task Times_WrittenThroughDapper_ComeBackToTheTick()
    {
        var store = SqlServerStorages.New();
        var odd = Night.AddTicks(1234567);
        await StoreRunAsync(store, "scan-time", Night, [Verdict.Healthy]);

        await store.Ledger.RecordMailedAsync("scan-time", odd, "ops@corp.example", Token);

        Assert.Equal(odd, await store.Ledger.MailedAtAsync("scan-time", Token));
    }

    /// <summary>Item 13: the preflight on the fixture: every check named, nothing failed, the collation difference said.</summary>
    [Fact]
    public async Task Check_OnADatabaseADbaSetUp_AsTheRunningLogin_FailsNothing()
    {
        var store = SqlServerStorages.New();

        var checks = await store.Maintenance.CheckAsync(Token);

        Assert.Equal(["connect", "server", "collation", "schema", "hangfire", "rights", "migrate", "rcsi"], checks.Select(c => c.Name));
        Assert.DoesNotContain(checks, c => c.Outcome == CheckOutcome.Fail);
        Assert.Contains("COLLATE DATABASE_DEFAULT", checks.Single(c => c.Name == "collation").Detail, StringComparison.Ordinal);
        Assert.Contains("need not", checks.Single(c => c.Name == "migrate").Detail, StringComparison.Ordinal);
        Assert.Equal(CheckOutcome.Pass, checks.Single(c => c.Name == "rights").Outcome);
    }
}
