using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Infrastructure.Persistence;
using Npgsql;
using static ExchangeSmtpFleet.Infrastructure.Tests.Persistence.Outcomes;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Persistence;

/// <summary>
/// What only the PostgreSQL dialect has: migrations serialised across processes by an advisory lock, errors as one line,
/// connections that die under the store (a restart) and are replaced, keyword sets stored once, the preflight of db check.
/// </summary>
public sealed class PostgresDatabaseTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>
    /// Migrations of one empty database from several stores at the same moment, each with a connection pool of its own (as
    /// processes have): every one succeeds, each script is applied once and journaled once, in order, and the schema works.
    /// </summary>
    [Fact]
    public async Task Migrate_FromFourPoolsAtOnce_OnAnEmptyDatabase_AppliesEachScriptOnce()
    {
        var database = postgres.CreateDatabase();
        var stores = Enumerable.Range(0, 4)
            .Select(i => PostgresStorages.At(new NpgsqlConnectionStringBuilder(database) { ApplicationName = $"esf-migrate-{i}" }.ConnectionString))
            .ToList();
        using var start = new Barrier(stores.Count);

        await Task.WhenAll(stores.Select(store => Task.Run(async () =>
        {
            start.SignalAndWait(Cancel);
            await store.Maintenance.MigrateAsync(Cancel);
        }, Cancel)));

        var journal = await PostgresSchema.RowsAsync(database, "SELECT script FROM schema_versions ORDER BY applied_at, script", Cancel);
        Assert.Equal(PostgresSchema.Scripts.Select(s => s.Name), journal);
        Assert.Equal(["1"], await PostgresSchema.RowsAsync(database, "SELECT count(*) FROM audit_lock", Cancel));
        await StoreRunAsync(stores[3], "scan-1", Night, [Verdict.Healthy, Verdict.MissingSinks]);
        Assert.Equal(2, (await stores[0].History.FindRunAsync("scan-1", Cancel))!.Results);
    }

    [Fact]
    public async Task Open_SchemaOfANewerEsfleet_IsRefused()
    {
        var database = postgres.CreateDatabase();
        await PostgresStorages.At(database).Maintenance.MigrateAsync(Cancel);
        await PostgresSchema.ExecuteAsync(database, "INSERT INTO schema_versions (script, applied_at) VALUES ('9999_from_the_future.sql', now())", Cancel);

        var error = await Assert.ThrowsAsync<StoreException>(() => PostgresStorages.At(database).History.ListRunsAsync(5, Cancel));

        Assert.Contains("schema is newer than this esfleet", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_WrongPassword_IsOneLineNamingTheDatabase_WithoutThePassword()
    {
        var database = postgres.CreateDatabase();
        var wrong = new NpgsqlConnectionStringBuilder(database) { Password = "not-the-password-x9" };

        var error = await Assert.ThrowsAsync<StoreException>(() => PostgresStorages.At(wrong.ConnectionString).History.ListRunsAsync(5, Cancel));

        Assert.StartsWith($"PostgreSQL database {wrong.Database} on {wrong.Host}:{wrong.Port}: cannot connect: the login failed", error.Message, StringComparison.Ordinal);
        Assert.Contains("28P01", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password-x9", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task Connect_DatabaseThatDoesNotExist_SaysSo()
    {
        var missing = new NpgsqlConnectionStringBuilder(PostgresFixture.Server ?? postgres.ConnectionString) { Database = $"esf_missing_{Guid.NewGuid():N}" };

        var error = await Assert.ThrowsAsync<StoreException>(() => PostgresStorages.At(missing.ConnectionString).History.ListRunsAsync(5, Cancel));

        Assert.Contains("the database does not exist", error.Message, StringComparison.Ordinal);
        Assert.Contains("3D000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_NothingListens_SaysTheServerCannotBeReached_AfterRetrying()
    {
        var closed = new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Host = "127.0.0.1", Port = ClosedPort() };

        var error = await Assert.ThrowsAsync<StoreException>(() => PostgresStorages.At(closed.ConnectionString, TimeSpan.FromMilliseconds(1)).Ledger.StepsAsync("audit-1", Cancel));

        Assert.Contains("cannot connect: the server cannot be reached", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConnectionString_ThatCannotBeRead_IsOneLineWithoutIt()
    {
        var error = Assert.Throws<StoreException>(() => AuditStorage.Postgres("Host=db;Password=secret-x9;Pooling=maybe", TimeProvider.System));

        Assert.Equal("PostgreSQL: the connection string (ConnectionStrings:Fleet) cannot be read; check its keywords and quoting", error.Message);
    }

    /// <summary>
    /// The server ends every session of the database (as a restart or a fail-over does): the sink's connection and the pool's
    /// idle ones are dead. The next batch, the ledger's writes and the reads go on over new connections: nothing is lost.
    /// </summary>
    [Fact]
    public async Task SessionsEndedByTheServer_BetweenBatches_AreReplaced_AndNothingIsLost()
    {
        var database = postgres.CreateDatabase();
        var store = PostgresStorages.At(database);
        var inventory = Fleet(4);
        var run = Run("audit-restart", Night, 4);
        var sink = await BeginAsync(store, run, inventory, new RunBatches(2, 2));
        try
        {
            await sink.WriteAsync([Outcome(inventory.Hosts[0], Verdict.Healthy, Night), Outcome(inventory.Hosts[1], Verdict.MissingSinks, Night)], Cancel);
            await store.Ledger.CompleteStepAsync(run.RunId, RunSteps.Batch(1), "j1", Night, Cancel);
            await TerminateSessionsAsync(database);

            await sink.WriteAsync([Outcome(inventory.Hosts[2], Verdict.Healthy, Night), Outcome(inventory.Hosts[3], Verdict.Unreachable, Night)], Cancel);
            await TerminateSessionsAsync(database);
            await store.Ledger.CompleteStepAsync(run.RunId, RunSteps.Batch(2), "j2", Night, Cancel);
            await TerminateSessionsAsync(database);
            Assert.Equal(StepClaimKind.Claimed, (await store.Ledger.ClaimStepAsync(run.RunId, RunSteps.Finish, "j2", Cancel)).Kind);
        }
        finally
        {
            await sink.DisposeAsync();
        }

        await TerminateSessionsAsync(database);
        Assert.Empty(await store.History.HostsWithoutResultAsync(run.RunId, Cancel));
        Assert.Equal(4, (await store.History.FindRunAsync(run.RunId, Cancel))!.Results);
        Assert.Equal(["batch-0001", "batch-0002", "finish"], (await store.Ledger.StepsAsync(run.RunId, Cancel)).Select(s => s.Step));
    }

    /// <summary>The same keyword list of many hosts, runs, batches and sinks is one keyword set; the view still shows every host's rows.</summary>
    [Fact]
    public async Task KeywordSets_SameListOfManyHostsAndRuns_IsStoredOnce()
    {
        var database = postgres.CreateDatabase();
        var store = PostgresStorages.At(database);
        await StoreRunAsync(store, "scan-1", Night, [Verdict.Healthy, Verdict.Healthy, Verdict.MissingSinks, Verdict.Unreachable], batches: 2);
        await StoreRunAsync(store, "scan-2", Night.AddDays(1), [Verdict.Healthy, Verdict.MissingSinks, Verdict.MissingSinks, Verdict.Healthy], batches: 4);

        Assert.Equal(["2", "28"], await PostgresSchema.RowsAsync(database, "SELECT COUNT(DISTINCT set_id) FROM keyword_sets UNION ALL SELECT COUNT(*) FROM keyword_sets", Cancel));
        Assert.Equal(["16", "16", "12"], await PostgresSchema.RowsAsync(database,
            "SELECT COUNT(*) FROM keywords WHERE run_id = 'scan-1' AND phase = 'pre-tls' GROUP BY host_key ORDER BY host_key", Cancel));
        Assert.Equal(["7"], await PostgresSchema.RowsAsync(database, "SELECT COUNT(DISTINCT run_id || host_key) FROM keywords", Cancel));
    }

    /// <summary>Two audits that start at the same moment in two processes: exactly one takes the lock, both see the same holder.</summary>
    [Fact]
    public async Task AuditLock_TakenByManyAtOnce_HasOneHolder()
    {
        var database = postgres.CreateDatabase();
        await PostgresStorages.At(database).Maintenance.MigrateAsync(Cancel);
        var ledgers = Enumerable.Range(0, 6)
            .Select(i => PostgresStorages.At(new NpgsqlConnectionStringBuilder(database) { ApplicationName = $"esf-lock-{i}" }.ConnectionString).Ledger)
            .ToList();
        using var start = new Barrier(ledgers.Count);

        var holders = await Task.WhenAll(ledgers.Select((ledger, i) => Task.Run(async () =>
        {
            start.SignalAndWait(Cancel);
            return await ledger.TakeAuditLockAsync($"audit-{i}", Night, Night.AddHours(-20), Cancel);
        }, Cancel)));

        Assert.Single(holders.Distinct());
        Assert.Contains(holders[0], ledgers.Select((_, i) => $"audit-{i}"));
    }

    /// <summary>Claims of one step by many jobs at once: one owns it, every other is told that one.</summary>
    [Fact]
    public async Task ClaimStep_ByManyJobsAtOnce_HasOneOwner()
    {
        var database = postgres.CreateDatabase();
        var store = PostgresStorages.At(database);
        await StoreRunAsync(store, "audit-1", Night, [Verdict.Healthy], status: Core.Auditing.AuditRunStatus.Running);
        var ledgers = Enumerable.Range(0, 6)
            .Select(i => PostgresStorages.At(new NpgsqlConnectionStringBuilder(database) { ApplicationName = $"esf-claim-{i}" }.ConnectionString).Ledger)
            .ToList();
        using var start = new Barrier(ledgers.Count);

        var claims = await Task.WhenAll(ledgers.Select((ledger, i) => Task.Run(async () =>
        {
            start.SignalAndWait(Cancel);
            return await ledger.ClaimStepAsync("audit-1", RunSteps.Report, $"j{i}", Cancel);
        }, Cancel)));

        var owner = Assert.Single(claims, c => c.Kind == StepClaimKind.Claimed).Owner;
        Assert.All(claims.Where(c => c.Kind != StepClaimKind.Claimed), c => Assert.Equal(new StepClaim(StepClaimKind.Taken, owner), c));
    }

    [Fact]
    public async Task Check_EmptyDatabase_WarnsThatTheSchemaIsMissing_ThenPassesOnceMigrated()
    {
        var database = postgres.CreateDatabase();
        var store = PostgresStorages.At(database);

        var before = await store.Maintenance.CheckAsync(Cancel);
        await store.Maintenance.MigrateAsync(Cancel);
        await PostgresSchema.ExecuteAsync(database, "CREATE SCHEMA hangfire; CREATE TABLE hangfire.schema (version integer NOT NULL); INSERT INTO hangfire.schema VALUES (23);", Cancel);
        var after = await store.Maintenance.CheckAsync(Cancel);

        Assert.Equal(["connect", "server", "encoding", "schema", "run rights", "migrate rights", "job storage"], before.Select(c => c.Name));
        Assert.Equal(CheckOutcome.Warn, before.Single(c => c.Name == "schema").Outcome);
        Assert.Equal(CheckOutcome.Warn, before.Single(c => c.Name == "job storage").Outcome);
        Assert.All(after, c => Assert.Equal(CheckOutcome.Pass, c.Outcome));
        Assert.Contains("UTF8", after.Single(c => c.Name == "encoding").Detail, StringComparison.Ordinal);
        Assert.Contains("version 23", after.Single(c => c.Name == "job storage").Detail, StringComparison.Ordinal);
    }

    /// <summary>A reporting login that may read the tables and nothing else: db check names what it lacks to run, and that it cannot migrate.</summary>
    [Fact]
    public async Task Check_ReadOnlyLogin_FailsNamingWhatToGrant()
    {
        var database = postgres.CreateDatabase();
        await PostgresStorages.At(database).Maintenance.MigrateAsync(Cancel);
        var login = $"esf_reader_{Guid.NewGuid():N}"[..24];
        await PostgresSchema.ExecuteAsync(database, $"CREATE ROLE {login} LOGIN PASSWORD 'reader-pw'; GRANT SELECT ON ALL TABLES IN SCHEMA public TO {login}", Cancel);
        try
        {
            var reader = new NpgsqlConnectionStringBuilder(database) { Username = login, Password = "reader-pw", Pooling = false };

            var checks = await PostgresStorages.At(reader.ConnectionString).Maintenance.CheckAsync(Cancel);

            Assert.Equal(CheckOutcome.Pass, checks.Single(c => c.Name == "connect").Outcome);
            Assert.Equal(CheckOutcome.Pass, checks.Single(c => c.Name == "schema").Outcome);
            var run = checks.Single(c => c.Name == "run rights");
            Assert.Equal(CheckOutcome.Fail, run.Outcome);
            Assert.StartsWith($"{login} lacks INSERT, UPDATE, DELETE on runs, run_hosts, results, keyword_sets", run.Detail, StringComparison.Ordinal);
            var migrate = checks.Single(c => c.Name == "migrate rights");
            Assert.Equal(CheckOutcome.Pass, migrate.Outcome);
            Assert.Contains("may not (no CREATE on schema public)", migrate.Detail, StringComparison.Ordinal);
        }
        finally
        {
            await PostgresSchema.ExecuteAsync(database, $"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {login}", Cancel);
            await PostgresSchema.ExecuteAsync(PostgresFixture.Server!, $"DROP ROLE IF EXISTS {login}", Cancel);
        }
    }

    /// <summary>
    /// The set-up the README gives a DBA: the schema applied from <c>db script</c> by the owner, and a login with running
    /// rights only (DML on the tables, SELECT on the journal, TEMP by default). That login stores and reads runs, claims
    /// steps, and db check passes it; it never needs CREATE.
    /// </summary>
    [Fact]
    public async Task LoginWithRunningRightsOnly_AfterTheDbaScript_StoresAndReadsRuns_AndDbCheckPassesIt()
    {
        var database = postgres.CreateDatabase();
        await PostgresSchema.ExecuteAsync(database, DbaScript.For(SchemaScripts.Postgres, "9.9.9"), Cancel);
        var login = $"esf_runner_{Guid.NewGuid():N}"[..24];
        await PostgresSchema.ExecuteAsync(database, $"""
            CREATE ROLE {login} LOGIN PASSWORD 'runner-pw';
            GRANT USAGE ON SCHEMA public TO {login};
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {login};
            REVOKE INSERT, UPDATE, DELETE ON schema_versions FROM {login};
            """, Cancel);
        try
        {
            var runner = PostgresStorages.At(new NpgsqlConnectionStringBuilder(database) { Username = login, Password = "runner-pw", Pooling = false }.ConnectionString);

            await StoreRunAsync(runner, "scan-1", Night, [Verdict.Healthy, Verdict.MissingSinks], batches: 2);
            var claim = await runner.Ledger.ClaimStepAsync("scan-1", RunSteps.Report, "j1", Cancel);
            var checks = await runner.Maintenance.CheckAsync(Cancel);

            Assert.Equal(2, (await runner.History.FindRunAsync("scan-1", Cancel))!.Results);
            Assert.Single(await runner.History.LackingAsync("scan-1", "XEXCH50", Cancel));
            Assert.Equal(StepClaimKind.Claimed, claim.Kind);
            Assert.All(checks.Where(c => c.Name != "job storage"), c => Assert.Equal(CheckOutcome.Pass, c.Outcome));
            Assert.Contains("may not (no CREATE on schema public); nothing to do now", checks.Single(c => c.Name == "migrate rights").Detail, StringComparison.Ordinal);
        }
        finally
        {
            await PostgresSchema.ExecuteAsync(database, $"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {login}; REVOKE USAGE ON SCHEMA public FROM {login};", Cancel);
            await PostgresSchema.ExecuteAsync(PostgresFixture.Server!, $"DROP ROLE IF EXISTS {login}", Cancel);
        }
    }

    [Fact]
    public async Task Check_NothingListens_IsOneFailedConnect()
    {
        var closed = new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Host = "127.0.0.1", Port = ClosedPort() };

        var checks = await PostgresStorages.At(closed.ConnectionString).Maintenance.CheckAsync(Cancel);

        var check = Assert.Single(checks);
        Assert.Equal(("connect", CheckOutcome.Fail), (check.Name, check.Outcome));
    }

    /// <summary>Ends every other session of the database, as a restart of the server does (SQLSTATE 57P01 for them).</summary>
    private static Task TerminateSessionsAsync(string database) =>
        PostgresSchema.ExecuteAsync(PostgresFixture.Server!,
            $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{new NpgsqlConnectionStringBuilder(database).Database}' AND pid <> pg_backend_pid()",
            Cancel);

    /// <summary>A loopback port nothing listens on (bound and released).</summary>
    private static int ClosedPort()
    {
        using var socket = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        socket.Start();
        return ((System.Net.IPEndPoint)socket.LocalEndpoint).Port;
    }
}
