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

    public async ValueTask DisposeAsync()
    {
        string[] names;
        lock (_names)
        {
            names = [.. _names];
        }

        if (names.Length == 0)
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
    }
}
