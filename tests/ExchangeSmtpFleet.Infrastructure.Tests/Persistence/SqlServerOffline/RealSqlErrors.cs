using Microsoft.Data.SqlClient;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Persistence.SqlServerOffline;

/// <summary>SqlClient's own exceptions for situations that need no server (SqlException has no public constructor).</summary>
internal static class RealSqlErrors
{
    /// <summary>A connection refused (nothing listens on port 1 of loopback).</summary>
    public static async Task<SqlException> RefusedAsync() =>
        await OpenAsync("Server=tcp:127.0.0.1,1;Database=esfleet;User Id=esf;Password=Secr3t!word;Connect Timeout=3");

    /// <summary>A TLS handshake whose certificate SqlClient does not trust (SqlClient's default, Encrypt=True, against <see cref="SelfSignedSqlServer"/>).</summary>
    public static async Task<SqlException> UntrustedCertificateAsync()
    {
        await using var server = new SelfSignedSqlServer(strict: false);
        return await OpenAsync(server.ConnectionString);
    }

    private static async Task<SqlException> OpenAsync(string connectionString)
    {
        await using var connection = new SqlConnection(connectionString);
        return await Assert.ThrowsAsync<SqlException>(() => connection.OpenAsync(TestContext.Current.CancellationToken));
    }
}
