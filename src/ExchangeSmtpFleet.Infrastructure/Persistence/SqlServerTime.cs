using System.Data;
using Dapper;
using Microsoft.Data.SqlClient;

namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>
/// A time as a SQL Server parameter: <c>DATETIME2</c>, UTC, to the tick. Dapper sets no type for a <see cref="DateTime"/>,
/// so SqlClient would send the legacy <c>DATETIME</c> (1/300 s) and run, step, mail and lock times would be rounded while
/// the bulk-copied ones are not (issue 21, item 3). A parameter object of its own, not Dapper's process-wide type map:
/// that map would change how every dialect's provider (PostgreSQL's too) is sent a <see cref="DateTime"/>.
/// </summary>
/// <remarks>
/// Dapper adds it through <see cref="SqlMapper.ICustomQueryParameter"/> only when the parameter object's property is of
/// this type: <see cref="SqlServerDatabase.ToDatabase"/> returns it as such, never as <see cref="object"/>.
/// </remarks>
/// <param name="utc">The time in UTC.</param>
internal sealed class SqlServerTime(DateTime utc) : SqlMapper.ICustomQueryParameter
{
    /// <summary>The time in UTC.</summary>
    public DateTime Utc { get; } = DateTime.SpecifyKind(utc, DateTimeKind.Utc);

    public void AddParameter(IDbCommand command, string name)
    {
        ArgumentNullException.ThrowIfNull(command);
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = DbType.DateTime2;
        if (parameter is SqlParameter sql)
        {
            sql.SqlDbType = SqlDbType.DateTime2;
            sql.Scale = 7;
        }

        parameter.Value = Utc;
        command.Parameters.Add(parameter);
    }
}
