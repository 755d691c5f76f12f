using ExchangeSmtpFleet.Infrastructure.Persistence;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Persistence;

/// <summary>The Maintenance contract on SQL Server when ESF_TEST_SQLSERVER names one (each test a database of its own); skipped otherwise.</summary>
public sealed class SqlServerMaintenanceTests : MaintenanceContract
{
    protected override AuditStorage NewStorage() => SqlServerStorages.New();
}
