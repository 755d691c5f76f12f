using ExchangeSmtpFleet.Infrastructure.Persistence;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Persistence;

/// <summary>The RunWriter contract on SQL Server when ESF_TEST_SQLSERVER names one (each test a database of its own); skipped otherwise.</summary>
public sealed class SqlServerRunWriterTests : RunWriterContract
{
    protected override AuditStorage NewStorage() => SqlServerStorages.New();
}
