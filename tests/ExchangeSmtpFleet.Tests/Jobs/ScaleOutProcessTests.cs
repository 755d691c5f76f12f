using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Infrastructure.Persistence;

namespace ExchangeSmtpFleet.Tests.Jobs;

/// <summary>
/// One <c>serve</c> and two <c>serve --worker</c> processes on one SQL Server (audit database and Hangfire storage):
/// the batches of one audit split between them, every host one result, one report. Needs a SQL Server: runs when
/// <c>ESF_TEST_SQLSERVER</c> holds a connection string (a database is created for each test, in a collation other than the
/// server's), skipped otherwise; the same split with several servers in one process on a shared storage always runs
/// (PipelineTests). Issue 21: the three start together on an empty database (they race to create both schemas), and run as
/// a login with only the README's running rights after a DBA applied <c>esfleet db script</c>.
/// </summary>
public sealed class ScaleOutProcessTests
{
    [Fact]
    public async Task AServeAndTwoWorkers_StartingTogetherOnAnEmptyDatabase_SplitTheBatches_EveryHostOnce()
    {
        await RunAuditAsync(await SqlServerDatabases.EmptyAsync());
    }

    [Fact]
    public async Task AServeAndTwoWorkers_AsALoginWithRunningRightsOnly_AfterADbaAppliedDbScript_SplitTheBatches()
    {
        await RunAuditAsync(await SqlServerDatabases.AppliedByADbaAsync());
    }

    private static async Task RunAuditAsync(string connectionString)
    {
        await using var fixture = await PipelineFixture.StartAsync(hosts: 40, latencyMs: 100);
        var environment = PipelineFixture.Environment(fixture.Settings(batchSize: 4, concurrency: 4).Where(s => s.Key != "Database:Path"));
        environment["ESF_Database__Provider"] = "sqlserver";
        environment["ESF_ConnectionStrings__Fleet"] = connectionString;
        environment["ESF_Logging__LogLevel__ExchangeSmtpFleet"] = "Information";
        var store = AuditStorage.SqlServer(connectionString, TimeProvider.System);

        var processes = new[]
        {
            ServeProcess.Start(environment, null, "--worker"),
            ServeProcess.Start(environment, null, "--worker"),
            ServeProcess.Start(environment, null, "--run-now"),
        };
        try
        {
            string? runId = null;
            await PipelineFixture.WaitForAsync(async () =>
            {
                try
                {
                    runId ??= (await store.History.FindRunAsync("latest", TestContext.Current.CancellationToken))?.RunId;
                }
                catch (StoreException)
                {
                    // The processes are still creating the schema.
                    return false;
                }

                return runId is not null && AuditWorkflow.IsDone(await store.Ledger.StepsAsync(runId, TestContext.Current.CancellationToken), RunSteps.Report);
            }, TimeSpan.FromSeconds(180), "the report");

            Assert.Equal(40, (await store.History.FindRunAsync(runId!, TestContext.Current.CancellationToken))!.Results);
            Assert.Empty(await store.History.HostsWithoutResultAsync(runId!, TestContext.Current.CancellationToken));
            Assert.Single(fixture.Workbooks());
            Assert.True(processes.Count(p => p.Log.ToString().Contains($"batch ", StringComparison.Ordinal)) >= 2, string.Join("\n---\n", processes.Select(p => p.Log)));
            Assert.All(processes, p => Assert.DoesNotContain("internal error", p.Log.ToString(), StringComparison.OrdinalIgnoreCase));
        }
        finally
        {
            foreach (var process in processes)
            {
                process.Stop();
            }
        }
    }
}
