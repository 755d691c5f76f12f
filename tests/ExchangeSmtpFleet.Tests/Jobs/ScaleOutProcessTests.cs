using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Infrastructure.Persistence;
using Microsoft.Data.SqlClient;

namespace ExchangeSmtpFleet.Tests.Jobs;

/// <summary>
/// One <c>serve</c> and two <c>serve --worker</c> processes on one SQL Server (audit database and Hangfire storage):
/// the batches of one audit split between them, every host one result, one report. Needs a SQL Server: runs when
/// <c>ESF_TEST_SQLSERVER</c> holds a connection string (a database is created for the test), skipped otherwise; the
/// same split with several servers in one process on a shared storage always runs (PipelineTests).
/// </summary>
public sealed class ScaleOutProcessTests
{
    private const string Variable = "ESF_TEST_SQLSERVER";

    [Fact]
    public async Task AServeAndTwoWorkerProcesses_OnOneSqlServer_SplitTheBatches_EveryHostOnce()
    {
        var server = Environment.GetEnvironmentVariable(Variable);
        Assert.SkipWhen(string.IsNullOrWhiteSpace(server), $"no SQL Server: set {Variable} to a connection string to run the scale-out test with real processes");
        var database = $"esf_scale_{Guid.NewGuid():N}";
        await using (var master = new SqlConnection(new SqlConnectionStringBuilder(server) { InitialCatalog = "master" }.ConnectionString))
        {
            await master.OpenAsync(TestContext.Current.CancellationToken);
            await using var create = master.CreateCommand();
            create.CommandText = $"CREATE DATABASE [{database}]";
            await create.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        var connectionString = new SqlConnectionStringBuilder(server) { InitialCatalog = database }.ConnectionString;
        await using var fixture = await PipelineFixture.StartAsync(hosts: 40, latencyMs: 100);
        var environment = PipelineFixture.Environment(fixture.Settings(batchSize: 4, concurrency: 4).Where(s => s.Key != "Database:Path"));
        environment["ESF_Database__Provider"] = "sqlserver";
        environment["ESF_ConnectionStrings__Fleet"] = connectionString;
        environment["ESF_Logging__LogLevel__ExchangeSmtpFleet"] = "Information";
        var store = AuditStorage.SqlServer(connectionString, TimeProvider.System);
        await store.Maintenance.MigrateAsync(TestContext.Current.CancellationToken);

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
                runId ??= (await store.History.FindRunAsync("latest", TestContext.Current.CancellationToken))?.RunId;
                return runId is not null && AuditWorkflow.IsDone(await store.Ledger.StepsAsync(runId, TestContext.Current.CancellationToken), RunSteps.Report);
            }, TimeSpan.FromSeconds(120), "the report");

            Assert.Equal(40, (await store.History.FindRunAsync(runId!, TestContext.Current.CancellationToken))!.Results);
            Assert.Empty(await store.History.HostsWithoutResultAsync(runId!, TestContext.Current.CancellationToken));
            Assert.Single(fixture.Workbooks());
            Assert.True(processes.Count(p => p.Log.ToString().Contains($"batch ", StringComparison.Ordinal)) >= 2, string.Join("\n---\n", processes.Select(p => p.Log)));
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
