using System.Data;
using System.Globalization;
using Microsoft.Data.SqlClient;

namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>The rows SQL Server's writers bulk-copy: <see cref="DataTable"/>s and the copy itself.</summary>
internal static class SqlServerTables
{
    /// <summary>A table with <paramref name="columns"/>, named as the destination's columns.</summary>
    public static DataTable Table(params (string Name, Type Type)[] columns)
    {
        var table = new DataTable { Locale = CultureInfo.InvariantCulture };
        foreach (var (name, type) in columns)
        {
            table.Columns.Add(name, type);
        }

        return table;
    }

    /// <summary>A value for a nullable column.</summary>
    public static object Value(object? value) => value ?? DBNull.Value;

    /// <summary>
    /// How every copy runs. <see cref="SqlBulkCopyOptions.CheckConstraints"/>: without it SQL Server skips the foreign keys,
    /// marks them untrusted, and asks the login for ALTER on the table, which a login with read and write rights only does not
    /// have (issue 21, item 5). The tables have no triggers, so nothing else needs more than INSERT.
    /// </summary>
    internal const SqlBulkCopyOptions CopyOptions = SqlBulkCopyOptions.CheckConstraints;

    /// <summary>Copies <paramref name="rows"/> into <paramref name="table"/>, column by name, in the transaction if one is given.</summary>
    /// <exception cref="Core.Storage.StoreException">
    /// SqlClient refused the rows before sending them (a value longer than its column: it checks on the client and throws
    /// <see cref="InvalidOperationException"/>, which is no database error): the values are cut to the columns
    /// (<see cref="Core.Storage.StoredLimits"/>), so this is a bug, said in one line and never retried.
    /// </exception>
    public static async Task BulkCopyAsync(
        SqlConnection connection, SqlTransaction? transaction, string table, DataTable rows, string description, CancellationToken cancellationToken)
    {
        if (rows.Rows.Count == 0)
        {
            return;
        }

        using var copy = new SqlBulkCopy(connection, CopyOptions, transaction) { DestinationTableName = table, BatchSize = 5000, BulkCopyTimeout = 0 };
        foreach (DataColumn column in rows.Columns)
        {
            copy.ColumnMappings.Add(column.ColumnName, column.ColumnName);
        }

        try
        {
            await copy.WriteToServerAsync(rows, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            throw new Core.Storage.StoreException($"{description}: cannot copy rows into {table}: {e.Message}", e);
        }
    }
}
