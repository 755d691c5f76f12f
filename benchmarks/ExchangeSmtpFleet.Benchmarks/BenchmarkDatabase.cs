using System.Globalization;
using ExchangeSmtpFleet.Infrastructure.Persistence;
using Npgsql;

namespace ExchangeSmtpFleet.Benchmarks;

/// <summary>
/// The database a store benchmark writes to: a new SQLite file (the default), or with <c>--postgres CONNECTION</c> a new
/// database on that PostgreSQL server (its role may create databases), dropped afterwards unless kept. With
/// <c>--keep</c> the SQLite file or PostgreSQL database of that name is used and kept.
/// </summary>
internal sealed class BenchmarkDatabase
{
    private readonly string? _server;
    private readonly string? _postgres;
    private readonly string? _file;
    private readonly bool _keep;

    private BenchmarkDatabase(AuditStorage store, string where, string? server, string? postgres, string? file, bool keep)
    {
        Store = store;
        Where = where;
        _server = server;
        _postgres = postgres;
        _file = file;
        _keep = keep;
    }

    public AuditStorage Store { get; }

    /// <summary>Which database, for the printed figures.</summary>
    public string Where { get; }

    public bool IsPostgres => _postgres is not null;

    /// <param name="postgres">A PostgreSQL server's connection string, or null for SQLite.</param>
    /// <param name="keep">The SQLite file, or the PostgreSQL database's name, to use and keep; null for a new one that goes.</param>
    /// <param name="label">Part of a new database's name.</param>
    public static async Task<BenchmarkDatabase> OpenAsync(string? postgres, string? keep, string label)
    {
        if (postgres is null)
        {
            var path = keep ?? Path.Combine(Path.GetTempPath(), $"esf-bench-{label}-{Guid.NewGuid():N}", "esfleet.db");
            return new BenchmarkDatabase(AuditStorage.Sqlite(path, TimeProvider.System), $"SQLite {path}", null, null, path, keep is not null);
        }

        var name = keep ?? $"esf_bench_{label}_{Guid.NewGuid():N}"[..40];
        await using (var server = new NpgsqlConnection(postgres))
        {
            await server.OpenAsync();
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", server);
            exists.Parameters.AddWithValue("name", name);
            if (await exists.ExecuteScalarAsync() is null)
            {
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", server);
                await create.ExecuteNonQueryAsync();
            }
        }

        var database = new NpgsqlConnectionStringBuilder(postgres) { Database = name }.ConnectionString;
        return new BenchmarkDatabase(AuditStorage.Postgres(database, TimeProvider.System), $"PostgreSQL database {name}", postgres, database, null, keep is not null);
    }

    /// <summary>The database's size on disk in bytes (SQLite: file and WAL; PostgreSQL: pg_database_size).</summary>
    public async Task<long> SizeAsync()
    {
        if (_postgres is null)
        {
            return new FileInfo(_file!).Length + (File.Exists(_file + "-wal") ? new FileInfo(_file + "-wal").Length : 0);
        }

        await using var connection = new NpgsqlConnection(_postgres);
        await connection.OpenAsync();
        await using var size = new NpgsqlCommand("SELECT pg_database_size(current_database())", connection);
        return (long)(await size.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// CPU seconds the PostgreSQL server has spent so far, all its processes together, from /proc (a server on this machine:
    /// the postmaster is the parent of this connection's backend, pg_backend_pid()): the postmaster's own and its reaped
    /// children's time plus the live children's. Null for SQLite or when /proc cannot be read.
    /// </summary>
    public async Task<double?> ServerCpuSecondsAsync()
    {
        if (_postgres is null)
        {
            return null;
        }

        try
        {
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_postgres) { Pooling = false }.ConnectionString);
            await connection.OpenAsync();
            await using var backend = new NpgsqlCommand("SELECT pg_backend_pid()", connection);
            var pid = (int)(await backend.ExecuteScalarAsync())!;
            var parent = (await File.ReadAllLinesAsync($"/proc/{pid}/status")).Single(l => l.StartsWith("PPid:", StringComparison.Ordinal))[5..].Trim();
            return ProcessCpu.OfTree(int.Parse(parent, CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or NpgsqlException)
        {
            return null;
        }
    }

    /// <summary>Removes the database unless it is kept.</summary>
    public async Task DropAsync()
    {
        if (_keep)
        {
            return;
        }

        if (_postgres is null)
        {
            Directory.Delete(Path.GetDirectoryName(_file)!, recursive: true);
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var server = new NpgsqlConnection(_server);
        await server.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{new NpgsqlConnectionStringBuilder(_postgres).Database}\" WITH (FORCE)", server);
        await drop.ExecuteNonQueryAsync();
    }
}
