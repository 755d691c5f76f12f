using ExchangeSmtpFleet.Infrastructure.Persistence;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Persistence;

/// <summary>The AuditHistory contract on PostgreSQL (ESF_TEST_POSTGRES; .ci/run starts a cluster), each test with a database of its own.</summary>
public sealed class PostgresAuditHistoryTests(PostgresFixture postgres) : AuditHistoryContract, IClassFixture<PostgresFixture>
{
    protected override AuditStorage NewStorage() => PostgresStorages.New(postgres);

    protected override TimeSpan TimeResolution => TimeSpan.FromMicroseconds(1);
}
