using ExchangeSmtpFleet.Infrastructure.Persistence;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Persistence;

/// <summary>The AuditHistory contract on SQLite, each test with a database file of its own.</summary>
public sealed class SqliteAuditHistoryTests : AuditHistoryContract
{
    protected override AuditStorage NewStorage() => SqliteStorages.New();
}
