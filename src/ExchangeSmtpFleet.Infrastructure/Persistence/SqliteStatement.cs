using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>
/// One prepared SQLite statement of the write path, bound by position and run on the connection's own handle, so that it
/// takes part in the connection's transaction. Microsoft.Data.Sqlite looks every parameter up by name, converts every
/// string and builds a data reader on each execution; for tens of thousands of rows a scan that cost more CPU than SQLite's
/// inserts (BENCHMARKS.md, issue 9). Text is encoded into one reused buffer that SQLite copies when it is bound.
/// </summary>
/// <remarks>Not thread-safe; dispose it before the connection.</remarks>
internal sealed class SqliteStatement : IDisposable
{
    private readonly sqlite3 _database;
    private readonly sqlite3_stmt _statement;
    private readonly int[] _positions;
    private byte[] _buffer = new byte[1024];

    /// <param name="connection">An open connection.</param>
    /// <param name="sql">One statement with named parameters.</param>
    /// <param name="parameters">The names in the order the binding methods number them (0, 1, ...).</param>
    public SqliteStatement(SqliteConnection connection, string sql, params string[] parameters)
    {
        _database = connection.Handle ?? throw new InvalidOperationException("the connection is not open");
        Check(raw.sqlite3_prepare_v2(_database, sql, out _statement));
        _positions = new int[parameters.Length];
        for (var i = 0; i < parameters.Length; i++)
        {
            _positions[i] = raw.sqlite3_bind_parameter_index(_statement, parameters[i]);
            if (_positions[i] == 0)
            {
                throw new ArgumentException($"the statement has no parameter {parameters[i]}", nameof(parameters));
            }
        }
    }

    /// <summary>Binds text, or NULL for null.</summary>
    public SqliteStatement Text(int parameter, string? value)
    {
        if (value is null)
        {
            return Null(parameter);
        }

        if (Encoding.UTF8.GetMaxByteCount(value.Length) > _buffer.Length)
        {
            var needed = Encoding.UTF8.GetByteCount(value);
            if (needed > _buffer.Length)
            {
                _buffer = new byte[Math.Max(needed, _buffer.Length * 2)];
            }
        }

        var written = Encoding.UTF8.GetBytes(value, _buffer);
        return Text(parameter, _buffer.AsSpan(0, written));
    }

    /// <summary>Binds text already encoded as UTF-8 (SQLite copies it).</summary>
    public SqliteStatement Text(int parameter, ReadOnlySpan<byte> utf8)
    {
        Check(raw.sqlite3_bind_text(_statement, _positions[parameter], utf8));
        return this;
    }

    /// <summary>Binds an integer.</summary>
    public SqliteStatement Integer(int parameter, long value)
    {
        Check(raw.sqlite3_bind_int64(_statement, _positions[parameter], value));
        return this;
    }

    /// <summary>Binds a real number, or NULL for null.</summary>
    public SqliteStatement Real(int parameter, double? value)
    {
        Check(value is { } v ? raw.sqlite3_bind_double(_statement, _positions[parameter], v) : raw.sqlite3_bind_null(_statement, _positions[parameter]));
        return this;
    }

    /// <summary>Binds NULL.</summary>
    public SqliteStatement Null(int parameter)
    {
        Check(raw.sqlite3_bind_null(_statement, _positions[parameter]));
        return this;
    }

    /// <summary>Runs a statement that returns no rows, then makes it ready for the next values.</summary>
    public void Run()
    {
        var result = raw.sqlite3_step(_statement);
        raw.sqlite3_reset(_statement);
        if (result != raw.SQLITE_DONE && result != raw.SQLITE_ROW)
        {
            SqliteException.ThrowExceptionForRC(result, _database);
        }
    }

    /// <summary>Runs a query and hands over the first column of each row as text (NULLs skipped).</summary>
    public void ReadTexts(Action<string> row)
    {
        ArgumentNullException.ThrowIfNull(row);
        try
        {
            int result;
            while ((result = raw.sqlite3_step(_statement)) == raw.SQLITE_ROW)
            {
                if (raw.sqlite3_column_type(_statement, 0) != raw.SQLITE_NULL)
                {
                    row(raw.sqlite3_column_text(_statement, 0).utf8_to_string());
                }
            }

            if (result != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(result, _database);
            }
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    /// <summary>Runs a query that returns at most one row of interest and hands the statement to <paramref name="row"/> while it stands on that row.</summary>
    /// <returns>False when the query returned no row.</returns>
    public bool ReadRow(Action<SqliteStatement> row)
    {
        ArgumentNullException.ThrowIfNull(row);
        try
        {
            var result = raw.sqlite3_step(_statement);
            if (result == raw.SQLITE_ROW)
            {
                row(this);
                return true;
            }

            if (result != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(result, _database);
            }

            return false;
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    /// <summary>A column of the row <see cref="ReadRow"/> stands on, as text (null for NULL).</summary>
    public string? ColumnText(int column) =>
        raw.sqlite3_column_type(_statement, column) == raw.SQLITE_NULL ? null : raw.sqlite3_column_text(_statement, column).utf8_to_string();

    /// <summary>A column of the row <see cref="ReadRow"/> stands on, as an integer (0 for NULL).</summary>
    public long ColumnInteger(int column) => raw.sqlite3_column_int64(_statement, column);

    /// <summary>
    /// Runs SQL text (one or more statements, no parameters) on the connection's handle, inside its transaction if one is
    /// open: the schema scripts and PRAGMAs need none of a command's machinery, and a scan would compile it only for them.
    /// </summary>
    public static void Execute(SqliteConnection connection, string sql)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var database = connection.Handle ?? throw new InvalidOperationException("the connection is not open");
        Check(raw.sqlite3_exec(database, sql), database);
    }

    public void Dispose() => _statement.Dispose();

    private static void Check(int result, sqlite3 database)
    {
        if (result != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(result, database);
        }
    }

    private void Check(int result) => Check(result, _database);
}
