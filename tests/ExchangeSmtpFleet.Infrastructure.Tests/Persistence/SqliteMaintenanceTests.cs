using ExchangeSmtpFleet.Infrastructure.Persistence;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Persistence;

/// <summary>The Maintenance contract on SQLite, each test with a database file of its own.</summary>
public sealed class SqliteMaintenanceTests : MaintenanceContract
{
    protected override AuditStorage NewStorage() => SqliteStorages.New();
}
