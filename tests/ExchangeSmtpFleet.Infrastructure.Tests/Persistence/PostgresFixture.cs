using Npgsql;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Persistence;

/// <summary>
/// PostgreSQL for the tests: the server that <c>ESF_TEST_POSTGRES</c> names (an Npgsql connection string whose role may
/// create databases; <c>.ci/postgres.sh</c> starts a private cluster and sets it, and <c>.ci/run</c> does both). As a class
/// fixture it gives the test class a database of its own, made on first use, and any number of further fresh databases;
/// all are dropped when the class is done. Without the variable every use skips the test with a reason.
/// </summary>
public sealed class PostgresFixture : IAsyncDisposable
{
    public const string Variable = "ESF_TEST_POSTGRES";

    private readonly Lazy<string> _classDatabase;
    private readonly List<string> _databases = [];

    public PostgresFixture() => _classDatabase = new Lazy<string>(CreateDatabase);

    /// <summary>The server's connection string, or null when the variable is not set.</summary>
    public static string? Server => Environment.GetEnvironmentVariable(Variable) is { } value && !string.IsNullOrWhiteSpace(value) ? value : null;

    /// <summary>
    /// Skips the calling test when no PostgreSQL is configured; fails it instead under CI (<c>CI=true</c>, as .ci/run runs
    /// there, having started a cluster), where the PostgreSQL tests must run.
    /// </summary>
    public static void SkipUnlessAvailable()
    {
        if (Server is not null)
        {
            return;
        }

        var reason = $"no PostgreSQL: set {Variable} to an Npgsql connection string (bash .ci/postgres.sh start; eval \"$(bash .ci/postgres.sh env)\")";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail($"{reason} (CI=true: the PostgreSQL tests must run in CI)");
        }

        Assert.Skip(reason);
    }

    /// <summary>The connection string of this test class's database (empty when first asked for).</summary>
    public string ConnectionString
    {
        get
        {
            SkipUnlessAvailable();
            return _classDatabase.Value;
        }
    }

    /// <summary>Makes a new, empty database and returns its connection string; dropped with the fixture.</summary>
    public string CreateDatabase()
    {
        SkipUnlessAvailable();
        var name = $"esf_test_{Guid.NewGuid():N}";
        using (var server = new NpgsqlConnection(Server))
        {
            server.Open();
            using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", server);
            create.ExecuteNonQuery();
        }

        lock (_databases)
        {
            _databases.Add(name);
        }

        return new NpgsqlConnectionStringBuilder(Server) { Database = name }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        string[] databases;
        lock (_databases)
        {
            databases = [.. _databases];
            _databases.Clear();
        }

        if (databases.Length == 0)
        {
            return;
        }

        await using var server = new NpgsqlConnection(Server);
        await server.OpenAsync();
        foreach (var name in databases)
        {
            // The pool's idle connections to it first; FORCE ends any session a test left open.
            using (var pooled = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Server) { Database = name }.ConnectionString))
            {
                NpgsqlConnection.ClearPool(pooled);
            }

            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", server);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
