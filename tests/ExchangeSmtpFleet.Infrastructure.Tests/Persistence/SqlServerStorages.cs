using ExchangeSmtpFleet.Infrastructure.Persistence;
using Microsoft.Data.SqlClient;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Persistence;

/// <summary>
/// SQL Server databases for the tests, when <c>ESF_TEST_SQLSERVER</c> holds a connection string to a server where the login
/// may create databases (each test gets a database of its own); the test is skipped otherwise.
/// </summary>
internal static class SqlServerStorages
{
    private const string Variable = "ESF_TEST_SQLSERVER";

    public static AuditStorage New()
    {
        var connectionString = Environment.GetEnvironmentVariable(Variable);
        Assert.SkipWhen(string.IsNullOrWhiteSpace(connectionString), $"no SQL Server: set {Variable} to a connection string to run the SQL Server store tests");
        var database = $"esf_test_{Guid.NewGuid():N}";
        using (var master = new SqlConnection(new SqlConnectionStringBuilder(connectionString) { InitialCatalog = "master" }.ConnectionString))
        {
            master.Open();
            using var create = master.CreateCommand();
            create.CommandText = $"CREATE DATABASE [{database}]";
            create.ExecuteNonQuery();
        }

        return AuditStorage.SqlServer(new SqlConnectionStringBuilder(connectionString) { InitialCatalog = database }.ConnectionString, TimeProvider.System);
    }
}
