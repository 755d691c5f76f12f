using ExchangeSmtpFleet.Infrastructure.Persistence;
using Microsoft.Data.SqlClient;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Persistence;

/// <summary>
/// SQL Server databases for the tests, when <c>ESF_TEST_SQLSERVER</c> holds a connection string of a login that may create
/// databases and logins (each test gets a database of its own); the test is skipped otherwise. Each database is set up
/// the way issue 21 says production meets it: a collation other than the server's (tempdb's), the schema applied by a DBA
/// from <c>esfleet db script</c> (esfleet's scripts with the journal, and Hangfire's), and the store run as a login with
/// only the rights the README names for running (db_datareader, db_datawriter).
/// </summary>
internal static class SqlServerStorages
{
    public const string Variable = "ESF_TEST_SQLSERVER";

    /// <summary>The administrator's connection string, or the test is skipped.</summary>
    public static string Admin()
    {
        var connectionString = Environment.GetEnvironmentVariable(Variable);
        Assert.SkipWhen(string.IsNullOrWhiteSpace(connectionString), $"no SQL Server: set {Variable} to a connection string to run the SQL Server store tests");
        return connectionString!;
    }

    /// <summary>The store on a new database set up as production meets it (see the class), as the running login.</summary>
    public static AuditStorage New() => AuditStorage.SqlServer(NewDatabase(applySchema: true).Runner, TimeProvider.System);

    /// <summary>
    /// A new database in a collation other than the server's, with a login that has the running rights only; with
    /// <paramref name="applySchema"/> the DBA's script applied. Returns the administrator's and the runner's connection strings.
    /// </summary>
    public static (string Admin, string Runner, string Database) NewDatabase(bool applySchema)
    {
        var admin = Admin();
        var database = $"esf_test_{Guid.NewGuid():N}";
        var login = $"esf_run_{Guid.NewGuid():N}";
        var password = $"Aa1!{Guid.NewGuid():N}";
        using (var master = Open(new SqlConnectionStringBuilder(admin) { InitialCatalog = "master" }.ConnectionString))
        {
            var serverCollation = Scalar(master, "SELECT CAST(SERVERPROPERTY('Collation') AS NVARCHAR(128))");
            var collation = string.Equals(serverCollation, "Latin1_General_100_CI_AS_SC", StringComparison.OrdinalIgnoreCase)
                ? "SQL_Latin1_General_CP1_CI_AS"
                : "Latin1_General_100_CI_AS_SC";
            Execute(master, $"CREATE DATABASE [{database}] COLLATE {collation}");
            Execute(master, $"CREATE LOGIN [{login}] WITH PASSWORD = N'{password}', CHECK_POLICY = OFF, DEFAULT_DATABASE = [{database}]");
        }

        var adminOfDatabase = new SqlConnectionStringBuilder(admin) { InitialCatalog = database }.ConnectionString;
        using (var connection = Open(adminOfDatabase))
        {
            Execute(connection, $"CREATE USER [{login}] FOR LOGIN [{login}]");
            Execute(connection, $"ALTER ROLE db_datareader ADD MEMBER [{login}]");
            Execute(connection, $"ALTER ROLE db_datawriter ADD MEMBER [{login}]");
            if (applySchema)
            {
                foreach (var batch in SqlServerDatabase.Batches(DbaScript.For(SchemaScripts.SqlServer, "test")
                    + Hangfire.SqlServer.SqlServerObjectsInstaller.GetInstallScript("HangFire", enableHeavyMigrations: true)))
                {
                    Execute(connection, batch);
                }
            }
        }

        var runner = new SqlConnectionStringBuilder(admin)
        {
            InitialCatalog = database,
            IntegratedSecurity = false,
            UserID = login,
            Password = password,
        }.ConnectionString;
        return (adminOfDatabase, runner, database);
    }

    private static SqlConnection Open(string connectionString)
    {
        var connection = new SqlConnection(connectionString);
        connection.Open();
        return connection;
    }

    private static void Execute(SqlConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 0;
        command.ExecuteNonQuery();
    }

    private static string Scalar(SqlConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (string)command.ExecuteScalar()!;
    }
}
