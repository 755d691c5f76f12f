using ExchangeSmtpFleet.Infrastructure.Persistence;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Persistence;

/// <summary>SQLite databases for the tests: a new file in a folder of its own each time.</summary>
internal static class SqliteStorages
{
    public static string NewPath() => Path.Combine(Path.GetTempPath(), "esf-store-tests", $"{Guid.NewGuid():N}", "esfleet.db");

    public static AuditStorage New() => AuditStorage.Sqlite(NewPath(), TimeProvider.System);

    public static AuditStorage At(string path, TimeSpan? busyTimeout = null) =>
        busyTimeout is { } wait ? AuditStorage.Sqlite(path, TimeProvider.System, wait) : AuditStorage.Sqlite(path, TimeProvider.System);
}
