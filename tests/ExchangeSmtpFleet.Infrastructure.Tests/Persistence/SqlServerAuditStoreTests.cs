using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Infrastructure.Persistence;
using Microsoft.Data.SqlClient;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Persistence;

/// <summary>
/// The store contract on SQL Server, when <c>ESF_TEST_SQLSERVER</c> holds a connection string to a server where the login
/// may create databases (each test gets a database of its own); skipped otherwise.
/// </summary>
public sealed class SqlServerAuditStoreTests : AuditStoreContract
{
    private const string Variable = "ESF_TEST_SQLSERVER";

    protected override IAuditStore NewStore()
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

        return new SqlServerAuditStore(new SqlConnectionStringBuilder(connectionString) { InitialCatalog = database }.ConnectionString, TimeProvider.System);
    }
}
