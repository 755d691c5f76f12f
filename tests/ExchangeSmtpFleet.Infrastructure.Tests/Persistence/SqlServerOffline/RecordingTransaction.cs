using System.Data;
using System.Data.Common;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Persistence.SqlServerOffline;

/// <summary>A transaction of a <see cref="RecordingSqlConnection"/>: commits and rolls back nothing.</summary>
internal sealed class RecordingTransaction(DbConnection connection, IsolationLevel isolationLevel) : DbTransaction
{
    public override IsolationLevel IsolationLevel => isolationLevel;

    protected override DbConnection DbConnection => connection;

    public override void Commit()
    {
    }

    public override void Rollback()
    {
    }
}
