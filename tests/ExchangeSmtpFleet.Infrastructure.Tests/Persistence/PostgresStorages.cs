using ExchangeSmtpFleet.Infrastructure.Persistence;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Persistence;

/// <summary>PostgreSQL storages for the tests: each on a new, empty database of <see cref="PostgresFixture"/> (dropped with it).</summary>
internal static class PostgresStorages
{
    /// <summary>Retries after a transient error pause briefly: a test that meets one should not wait seconds.</summary>
    public static AuditStorage New(PostgresFixture postgres, TimeSpan? retryPause = null) =>
        At(postgres.CreateDatabase(), retryPause);

    public static AuditStorage At(string connectionString, TimeSpan? retryPause = null) =>
        AuditStorage.Postgres(new PostgresDatabase(connectionString, TimeProvider.System) { RetryPause = retryPause ?? TimeSpan.FromMilliseconds(50) });
}
