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

    /// <summary>Copies <paramref name="rows"/> into <paramref name="table"/>, column by name, in the transaction.</summary>
    public static async Task BulkCopyAsync(SqlConnection connection, SqlTransaction transaction, string table, DataTable rows, CancellationToken cancellationToken)
    {
        if (rows.Rows.Count == 0)
        {
            return;
        }

        using var copy = new SqlBulkCopy(connection, SqlBulkCopyOptions.Default, transaction) { DestinationTableName = table, BatchSize = 5000 };
        foreach (DataColumn column in rows.Columns)
        {
            copy.ColumnMappings.Add(column.ColumnName, column.ColumnName);
        }

        await copy.WriteToServerAsync(rows, cancellationToken).ConfigureAwait(false);
    }
}
