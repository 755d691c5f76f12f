using ExchangeSmtpFleet.Infrastructure.Persistence;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Persistence;

/// <summary>The JobLedger contract on SQLite, each test with a database file of its own.</summary>
public sealed class SqliteJobLedgerTests : JobLedgerContract
{
    protected override AuditStorage NewStorage() => SqliteStorages.New();
}
