using ExchangeSmtpFleet.Core.Classification;
using static ExchangeSmtpFleet.Infrastructure.Tests.Persistence.Outcomes;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Persistence;

/// <summary>What every dialect's maintenance must do: schema upgrades that change nothing the second time, pruning. One suite, a subclass per dialect.</summary>
public abstract class MaintenanceContract : StorageContract
{
    [Fact]
    public async Task Migrate_Twice_ChangesNothing()
    {
        var store = NewStorage();

        await store.Maintenance.MigrateAsync(Token);
        await StoreRunAsync(store, "scan-1", Night, [Verdict.Healthy]);
        await store.Maintenance.MigrateAsync(Token);

        Assert.Single(await store.History.ListRunsAsync(10, Token));
    }

    /// <summary>Issue 21, item 13: <c>db check</c> of a database that esfleet (or its DBA) set up finds nothing to fail and the schema current.</summary>
    [Fact]
    public async Task Check_AMigratedDatabase_FailsNothing_AndItsSchemaIsCurrent()
    {
        var store = NewStorage();
        await store.Maintenance.MigrateAsync(Token);

        var checks = await store.Maintenance.CheckAsync(Token);

        Assert.DoesNotContain(checks, c => c.Outcome == Core.Storage.CheckOutcome.Fail);
        Assert.Equal(Core.Storage.CheckOutcome.Pass, checks.Single(c => c.Name == "schema").Outcome);
        Assert.Contains("up to date", checks.Single(c => c.Name == "schema").Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prune_DropsOldTranscriptsOnlyAndKeepsVerdicts()
    {
        var store = NewStorage();
        await StoreRunAsync(store, "scan-old", Night.AddDays(-40), [Verdict.Healthy, Verdict.MissingSinks]);
        await StoreRunAsync(store, "scan-new", Night, [Verdict.Healthy, Verdict.MissingSinks]);

        var dropped = await store.Maintenance.PruneTranscriptsAsync(Night.AddDays(-30), Token);
        var again = await store.Maintenance.PruneTranscriptsAsync(Night.AddDays(-30), Token);

        Assert.Equal(2, dropped);
        Assert.Equal(0, again);
        Assert.Equal(2, (await store.History.HistoryAsync(Host(2).Key, 10, Token)).Count);
    }

    [Fact]
    public async Task PruneRuns_DeletesOldRunsWithEveryRowAndKeepsTheRest()
    {
        var store = NewStorage();
        await StoreRunAsync(store, "scan-old", Night.AddDays(-400), [Verdict.Healthy, Verdict.MissingSinks]);
        await StoreRunAsync(store, "scan-new", Night, [Verdict.Healthy, Verdict.MissingSinks]);

        var deleted = await store.Maintenance.PruneRunsAsync(Night.AddDays(-365), Token);

        Assert.Equal(1, deleted);
        Assert.Equal(["scan-new"], (await store.History.ListRunsAsync(10, Token)).Select(r => r.RunId));
        Assert.Empty(await store.History.LackingAsync("scan-old", "XEXCH50", Token));
        Assert.Equal(["scan-new"], (await store.History.HistoryAsync(Host(2).Key, 10, Token)).Select(h => h.RunId));
        Assert.Equal(0, await store.Maintenance.PruneRunsAsync(Night.AddDays(-365), Token));
    }
}
