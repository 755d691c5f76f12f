using System.Text.RegularExpressions;
using ExchangeSmtpFleet.Tests.Cli;
using Microsoft.Data.SqlClient;

namespace ExchangeSmtpFleet.Tests.Jobs;

/// <summary>
/// SQL Server databases for the process tests, when <c>ESF_TEST_SQLSERVER</c> holds the connection string of a login that
/// may create databases and logins; skipped otherwise. Set up as production meets them (issue 21): a collation other than
/// the server's, and optionally the DBA's <c>esfleet db script</c> applied and a login with only the running rights.
/// </summary>
internal static partial class SqlServerDatabases
{
    private const string Variable = "ESF_TEST_SQLSERVER";

    /// <summary>A new empty database in a collation other than the server's; the administrator's connection string to it.</summary>
    public static async Task<string> EmptyAsync()
    {
        var admin = Environment.GetEnvironmentVariable(Variable);
        Assert.SkipWhen(string.IsNullOrWhiteSpace(admin), $"no SQL Server: set {Variable} to a connection string to run the scale-out tests with real processes");
        var database = $"esf_scale_{Guid.NewGuid():N}";
        await using var master = await OpenAsync(new SqlConnectionStringBuilder(admin) { InitialCatalog = "master" }.ConnectionString);
        var server = (string)(await ScalarAsync(master, "SELECT CAST(SERVERPROPERTY('Collation') AS NVARCHAR(128))"))!;
        var collation = string.Equals(server, "Latin1_General_100_CI_AS_SC", StringComparison.OrdinalIgnoreCase) ? "SQL_Latin1_General_CP1_CI_AS" : "Latin1_General_100_CI_AS_SC";
        await ExecuteAsync(master, $"CREATE DATABASE [{database}] COLLATE {collation}");
        return new SqlConnectionStringBuilder(admin) { InitialCatalog = database }.ConnectionString;
    }

    /// <summary>
    /// A new database on which a DBA applied what <c>esfleet db script --provider sqlserver</c> prints, and a login with
    /// only the rights the README names for running (db_datareader, db_datawriter): its connection string.
    /// </summary>
    public static async Task<string> AppliedByADbaAsync()
    {
        var admin = await EmptyAsync();
        var script = await CliRunner.RunAsync("db", "script", "--provider", "sqlserver");
        Assert.Equal(0, script.ExitCode);
        var login = $"esf_run_{Guid.NewGuid():N}";
        var password = $"Aa1!{Guid.NewGuid():N}";
        var database = new SqlConnectionStringBuilder(admin).InitialCatalog;
        await using (var connection = await OpenAsync(admin))
        {
            foreach (var batch in GoLine().Split(script.Output).Where(b => !string.IsNullOrWhiteSpace(b)))
            {
                await ExecuteAsync(connection, batch);
            }

            await ExecuteAsync(connection, $"CREATE LOGIN [{login}] WITH PASSWORD = N'{password}', CHECK_POLICY = OFF, DEFAULT_DATABASE = [{database}]");
            await ExecuteAsync(connection, $"CREATE USER [{login}] FOR LOGIN [{login}]");
            await ExecuteAsync(connection, $"ALTER ROLE db_datareader ADD MEMBER [{login}]");
            await ExecuteAsync(connection, $"ALTER ROLE db_datawriter ADD MEMBER [{login}]");
        }

        return new SqlConnectionStringBuilder(admin) { IntegratedSecurity = false, UserID = login, Password = password }.ConnectionString;
    }

    private static async Task<SqlConnection> OpenAsync(string connectionString)
    {
        var connection = new SqlConnection(connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        return connection;
    }

    private static async Task ExecuteAsync(SqlConnection connection, string sql)
    {
        await using var command = new SqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    private static async Task<object?> ScalarAsync(SqlConnection connection, string sql)
    {
        await using var command = new SqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
    }

    [GeneratedRegex(@"^\s*GO\s*$", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex GoLine();
}
