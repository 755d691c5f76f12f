using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.SqlClient;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Persistence.SqlServerOffline;

/// <summary>
/// A connection that is open without a server and records what Dapper and the SQL Server roles send: each command's text
/// and its parameters as SqlClient's own <see cref="SqlParameter"/>s, so the type SqlClient would put on the wire
/// (<see cref="SqlParameter.SqlDbType"/>, inferred from the value when nobody set it) is what the test reads. Every query
/// returns no rows and every scalar is NULL.
/// </summary>
internal sealed class RecordingSqlConnection : DbConnection
{
    /// <summary>Every command executed on every recording connection of one test, in order.</summary>
    public RecordingSqlConnection(List<RecordedCommand> log)
    {
        Log = log;
    }

    public List<RecordedCommand> Log { get; }

    [AllowNull]
    public override string ConnectionString { get; set; } = string.Empty;

    public override string Database => "recorded";

    public override string DataSource => "recorder";

    public override string ServerVersion => "13.00.4001";

    public override ConnectionState State => ConnectionState.Open;

    public override void ChangeDatabase(string databaseName)
    {
    }

    public override void Close()
    {
    }

    public override void Open()
    {
    }

    protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel) => new RecordingTransaction(this, isolationLevel);

    protected override DbCommand CreateDbCommand() => new RecordingSqlCommand(this);
}
