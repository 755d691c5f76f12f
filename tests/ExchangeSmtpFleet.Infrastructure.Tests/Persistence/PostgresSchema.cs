using ExchangeSmtpFleet.Infrastructure.Persistence;
using Npgsql;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Persistence;

/// <summary>The <c>sql/postgres/</c> scripts applied to a database, and what a database holds, read from its catalog.</summary>
internal static class PostgresSchema
{
    /// <summary>The dialect's folder under <c>sql/</c> (and in the embedded resource names).</summary>
    public const string Dialect = "postgres";

    public static IReadOnlyList<(string Name, string Text)> Scripts => SchemaScripts.For(Dialect);

    /// <summary>Runs each script as one command in a transaction of its own, in order, as a migration would.</summary>
    public static async Task ApplyAsync(string connectionString, IEnumerable<(string Name, string Text)> scripts, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        foreach (var (name, text) in scripts)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using var command = new NpgsqlCommand(text, connection, transaction);
            try
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (PostgresException e)
            {
                // Position counts characters of the command from 1; inside a DO block it is 0 and Where names the line.
                var at = e.Position > 0 ? $" line {text[..(e.Position - 1)].Count(c => c == '\n') + 1}" : "";
                throw new InvalidOperationException($"{name}{at}: {e.MessageText}{(e.Where is null ? "" : $" ({e.Where})")}", e);
            }

            await transaction.CommitAsync(cancellationToken);
        }
    }

    public static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Rows of a query, each as its fields joined by " | " (NULL as "NULL").</summary>
    public static async Task<List<string>> RowsAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "NULL" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        }

        return rows;
    }

    /// <summary>
    /// Everything the scripts make or change, as comparable lines: each relation of the schema with its kind and object id
    /// (an object dropped and made again gets a new one), columns with type, nullability and default, view definitions,
    /// constraints, indexes, triggers, and the rows of every table (count and a hash of their text).
    /// </summary>
    public static async Task<List<string>> SnapshotAsync(string connectionString, CancellationToken cancellationToken)
    {
        var snapshot = new List<string>();
        async Task Add(string what, string sql) => snapshot.AddRange((await RowsAsync(connectionString, sql, cancellationToken)).Select(r => $"{what}: {r}"));

        await Add("relation", """
            SELECT c.relname, c.relkind, c.oid FROM pg_class AS c
            WHERE c.relnamespace = current_schema()::regnamespace ORDER BY c.relname
            """);
        await Add("column", """
            SELECT table_name, ordinal_position, column_name, data_type, character_maximum_length, is_nullable, column_default
            FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position
            """);
        await Add("view", "SELECT table_name, view_definition FROM information_schema.views WHERE table_schema = current_schema() ORDER BY table_name");
        await Add("constraint", """
            SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
            WHERE connamespace = current_schema()::regnamespace ORDER BY 1, 2
            """);
        await Add("index", "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() ORDER BY 1, 2");
        await Add("trigger", """
            SELECT event_object_table, trigger_name, event_manipulation, action_statement FROM information_schema.triggers
            WHERE trigger_schema = current_schema() ORDER BY 1, 2, 3
            """);
        foreach (var table in await RowsAsync(connectionString,
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1", cancellationToken))
        {
            await Add($"rows of {table}", $"SELECT count(*), coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM \"{table}\" AS t");
        }

        return snapshot;
    }

    /// <summary>Every table and view of the schema with its columns in order.</summary>
    public static async Task<Dictionary<string, List<string>>> ColumnsAsync(string connectionString, CancellationToken cancellationToken)
    {
        var tables = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var row in await RowsAsync(connectionString,
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position", cancellationToken))
        {
            var (table, column) = (row.Split(" | ")[0], row.Split(" | ")[1]);
            (tables.TryGetValue(table, out var columns) ? columns : tables[table] = []).Add(column);
        }

        return tables;
    }

    /// <summary>The columns of the schema's tables (not views): (table, column) to (type as PostgreSQL names it, NOT NULL).</summary>
    public static async Task<Dictionary<(string Table, string Column), (string Type, bool NotNull)>> ColumnTypesAsync(string connectionString, CancellationToken cancellationToken)
    {
        var types = new Dictionary<(string, string), (string, bool)>();
        foreach (var row in await RowsAsync(connectionString, """
            SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull
            FROM pg_attribute AS a JOIN pg_class AS c ON c.oid = a.attrelid
            WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
            """, cancellationToken))
        {
            var fields = row.Split(" | ");
            types[(fields[0], fields[1])] = (fields[2], fields[3] == "True");
        }

        return types;
    }
}
