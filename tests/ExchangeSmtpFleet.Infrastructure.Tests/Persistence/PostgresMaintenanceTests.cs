using ExchangeSmtpFleet.Infrastructure.Persistence;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Persistence;

/// <summary>The Maintenance contract on PostgreSQL (ESF_TEST_POSTGRES; .ci/run starts a cluster), each test with a database of its own.</summary>
public sealed class PostgresMaintenanceTests(PostgresFixture postgres) : MaintenanceContract, IClassFixture<PostgresFixture>
{
    protected override AuditStorage NewStorage() => PostgresStorages.New(postgres);
}
