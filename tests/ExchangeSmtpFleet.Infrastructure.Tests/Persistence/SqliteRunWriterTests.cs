using ExchangeSmtpFleet.Infrastructure.Persistence;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Persistence;

/// <summary>The RunWriter contract on SQLite, each test with a database file of its own.</summary>
public sealed class SqliteRunWriterTests : RunWriterContract
{
    protected override AuditStorage NewStorage() => SqliteStorages.New();
}
