using Npgsql;

namespace ExchangeSmtpFleet.Tests.Jobs;

/// <summary>
/// Databases on the PostgreSQL that <c>ESF_TEST_POSTGRES</c> names (.ci/run starts a cluster and sets it): each test makes
/// its own, empty, and drops it when done. Without the variable the test is skipped, under CI (<c>CI=true</c>) it fails.
/// </summary>
internal sealed class PostgresDatabases : IAsyncDisposable
{
    public const string Variable = "ESF_TEST_POSTGRES";

    private readonly List<string> _names = [];
    private readonly List<string> _logins = [];

    /// <summary>The server's connection string.</summary>
    public static string Server
    {
        get
        {
            var value = Environment.GetEnvironmentVariable(Variable);
            NetworkNamespaces.SkipUnless(string.IsNullOrWhiteSpace(value)
                ? $"no PostgreSQL: set {Variable} (bash .ci/postgres.sh start; eval \"$(bash .ci/postgres.sh env)\")"
                : null);
            return value!;
        }
    }

    /// <summary>A new, empty database; its connection string (to 127.0.0.1, for this process).</summary>
    public async Task<string> CreateAsync()
    {
        var name = $"esf_test_{Guid.NewGuid():N}";
        await using (var server = new NpgsqlConnection(Server))
        {
            await server.OpenAsync(TestContext.Current.CancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", server);
            await create.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        lock (_names)
        {
            _names.Add(name);
        }

        return new NpgsqlConnectionStringBuilder(Server) { Database = name }.ConnectionString;
    }

    /// <summary>
    /// A login with the running rights the README's PostgreSQL section gives (DML on esfleet's tables and Hangfire's, SELECT
    /// only on the journal, the sequences of Hangfire's tables, TEMP by default), on <paramref name="database"/>, whose schemas
    /// its owner made; its connection string. Dropped after the databases.
    /// </summary>
    public async Task<string> CreateRunningLoginAsync(string database)
    {
        var login = $"esf_run_{Guid.NewGuid():N}"[..24];
        const string Password = "running-rights";
        lock (_names)
        {
            _logins.Add(login);
        }

        await ExecuteAsync(Server, $"CREATE ROLE {login} LOGIN PASSWORD '{Password}'");
        await ExecuteAsync(database, $"""
            GRANT USAGE ON SCHEMA public, hangfire TO {login};
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public, hangfire TO {login};
            GRANT USAGE ON ALL SEQUENCES IN SCHEMA hangfire TO {login};
            REVOKE INSERT, UPDATE, DELETE ON schema_versions FROM {login};
            """);
        return new NpgsqlConnectionStringBuilder(database) { Username = login, Password = Password }.ConnectionString;
    }

    /// <summary>Runs <paramref name="sql"/> (several statements, as <c>psql -f</c> sends a file) on <paramref name="database"/>.</summary>
    public static async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        string[] names, logins;
        lock (_names)
        {
            names = [.. _names];
            logins = [.. _logins];
        }

        if (names.Length == 0 && logins.Length == 0)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var server = new NpgsqlConnection(Server);
        await server.OpenAsync();
        foreach (var name in names)
        {
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", server);
            await drop.ExecuteNonQueryAsync();
        }

        // A login's grants lived in the databases just dropped: nothing else holds it.
        foreach (var login in logins)
        {
            await using var drop = new NpgsqlCommand($"DROP ROLE IF EXISTS {login}", server);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
