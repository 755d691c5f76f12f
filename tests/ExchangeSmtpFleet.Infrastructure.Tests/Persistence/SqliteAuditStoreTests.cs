using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Infrastructure.Persistence;
using Microsoft.Data.Sqlite;
using static ExchangeSmtpFleet.Infrastructure.Tests.Persistence.Outcomes;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Persistence;

/// <summary>The store contract on SQLite, each test with a database file of its own, and what only SQLite has.</summary>
public sealed class SqliteAuditStoreTests : AuditStoreContract
{
    private static string NewPath() => Path.Combine(Path.GetTempPath(), "esf-store-tests", $"{Guid.NewGuid():N}", "esfleet.db");

    protected override IAuditStore NewStore() => new SqliteAuditStore(NewPath(), TimeProvider.System);

    [Fact]
    public async Task Open_FileThatIsNotADatabase_IsOneLineNamingItAndWhatToDo()
    {
        var path = NewPath();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, new string('x', 4096), TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<StoreException>(() => new SqliteAuditStore(path, TimeProvider.System).ListRunsAsync(5, TestContext.Current.CancellationToken));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("corrupt or not a SQLite database", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_SchemaOfANewerEsfleet_IsRefused()
    {
        var path = NewPath();
        var store = new SqliteAuditStore(path, TimeProvider.System);
        await store.MigrateAsync(TestContext.Current.CancellationToken);
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO schema_versions (script, applied_at) VALUES ('9999_from_the_future.sql', '2030-01-01T00:00:00.0000000Z')";
            await insert.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        var error = await Assert.ThrowsAsync<StoreException>(() => new SqliteAuditStore(path, TimeProvider.System).ListRunsAsync(5, TestContext.Current.CancellationToken));

        Assert.Contains("schema is newer than this esfleet", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_FolderThatCannotBeCreated_SaysSo()
    {
        var blocker = Path.Combine(Path.GetTempPath(), $"esf-not-a-folder-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(blocker, "a file where the folder should be", TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<StoreException>(
            () => new SqliteAuditStore(Path.Combine(blocker, "esfleet.db"), TimeProvider.System).MigrateAsync(TestContext.Current.CancellationToken));

        Assert.Contains("cannot create its folder", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Readers_SeeConsistentRunsWhileAScanWrites()
    {
        var path = NewPath();
        var writer = new SqliteAuditStore(path, TimeProvider.System);
        var reader = new SqliteAuditStore(path, TimeProvider.System);
        await StoreRunAsync(writer, "scan-1", Night, [.. Enumerable.Repeat(Verdict.Healthy, 200)]);

        var writing = StoreRunAsync(writer, "scan-2", Night.AddDays(1), [.. Enumerable.Repeat(Verdict.MissingSinks, 2000)], batches: 20);
        while (!writing.IsCompleted)
        {
            // Every read sees whole batches: a run's results are never more than its hosts, never half a host.
            foreach (var run in await reader.ListRunsAsync(5, TestContext.Current.CancellationToken))
            {
                Assert.InRange(run.Results, 0, run.HostCount);
            }
        }

        await writing;
        Assert.Equal(2000, (await reader.FindRunAsync("scan-2", TestContext.Current.CancellationToken))!.Results);
    }
}
