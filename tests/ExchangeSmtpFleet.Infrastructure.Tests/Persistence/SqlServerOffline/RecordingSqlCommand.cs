using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.SqlClient;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Persistence.SqlServerOffline;

/// <summary>A command of a <see cref="RecordingSqlConnection"/>: SqlClient's parameters, recorded when it runs.</summary>
internal sealed class RecordingSqlCommand(RecordingSqlConnection connection) : DbCommand
{
    private readonly SqlCommand _parameters = new();

    [AllowNull]
    public override string CommandText { get; set; } = string.Empty;

    public override int CommandTimeout { get; set; } = 30;

    public override CommandType CommandType { get; set; } = CommandType.Text;

    public override bool DesignTimeVisible { get; set; }

    public override UpdateRowSource UpdatedRowSource { get; set; }

    protected override DbConnection? DbConnection { get; set; } = connection;

    protected override DbParameterCollection DbParameterCollection => _parameters.Parameters;

    protected override DbTransaction? DbTransaction { get; set; }

    public override void Cancel()
    {
    }

    public override int ExecuteNonQuery()
    {
        Record();
        return 0;
    }

    public override object? ExecuteScalar()
    {
        Record();
        return null;
    }

    public override void Prepare()
    {
    }

    protected override DbParameter CreateDbParameter() => new SqlParameter();

    protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior)
    {
        Record();
        return new DataTable().CreateDataReader();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _parameters.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Record() => connection.Log.Add(new RecordedCommand(
        CommandText, [.. _parameters.Parameters.Cast<SqlParameter>().Select(p => (p.ParameterName, p.SqlDbType, p.Value))]));
}
