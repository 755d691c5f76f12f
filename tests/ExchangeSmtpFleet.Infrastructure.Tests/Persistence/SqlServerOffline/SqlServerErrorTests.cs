using System.Data.Common;
using System.Net.Sockets;
using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Infrastructure.Persistence;
using Microsoft.Data.SqlClient;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Persistence.SqlServerOffline;

/// <summary>
/// Issue 21, items 1 and 10, with SqlClient's real exceptions and no SQL Server: a certificate SqlClient does not trust is
/// explained as such (not as "cannot be reached") and never retried; Linux's error 0 with a socket error inside is
/// transient; the retry logic's <see cref="AggregateException"/> becomes the store's one line; reads are retried.
/// </summary>
public sealed class SqlServerErrorTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>Item 1: with SqlClient's default (Encrypt=True) and with Encrypt=Strict, a self-signed certificate is said to be the problem.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task UntrustedCertificate_IsExplainedAsTheTlsHandshake_InOneLine_WithoutRetryOrPassword(bool strict)
    {
        await using var server = new SelfSignedSqlServer(strict);
        var store = AuditStorage.SqlServer(new SqlServerDatabase(server.ConnectionString, TimeProvider.System) { RetryPause = TimeSpan.Zero });

        var error = await Assert.ThrowsAsync<StoreException>(() => store.History.ListRunsAsync(5, Token));

        Assert.StartsWith($"SQL Server database esfleet on tcp:127.0.0.1,{server.Port}: cannot connect: the TLS handshake failed", error.Message, StringComparison.Ordinal);
        Assert.Contains("TrustServerCertificate=True", error.Message, StringComparison.Ordinal);
        Assert.Contains("UntrustedRoot", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("cannot be reached", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Secr3t", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Equal(1, server.Connections);
    }

    [Fact]
    public async Task UntrustedCertificate_TrustedForALab_GetsPastTheCertificate()
    {
        // The lab's connection string: the certificate is accepted; what fails next (this server says nothing after the
        // handshake) is not blamed on it.
        await using var server = new SelfSignedSqlServer(strict: false);
        var store = AuditStorage.SqlServer(new SqlServerDatabase(server.ConnectionString + ";TrustServerCertificate=True", TimeProvider.System) { RetryPause = TimeSpan.Zero });

        var error = await Assert.ThrowsAsync<StoreException>(() => store.History.ListRunsAsync(5, Token));

        Assert.DoesNotContain("does not trust the server's certificate", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("TrustServerCertificate=True", error.Message, StringComparison.Ordinal);
        Assert.True(server.Connections >= 1);
    }

    [Fact]
    public async Task UntrustedCertificate_IsNotTransient()
    {
        Assert.False(SqlServerErrors.IsTransient(await RealSqlErrors.UntrustedCertificateAsync()));
    }

    [Fact]
    public async Task DroppedOrRefusedOnLinux_IsErrorNumber0WithASocketError_AndTransient()
    {
        var refused = await RealSqlErrors.RefusedAsync();

        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(0, refused.Number);
            Assert.IsType<SocketException>(refused.InnerException);
        }

        Assert.True(SqlServerErrors.IsTransient(refused));
        Assert.Contains("the server cannot be reached", SqlServerErrors.Explain("SQL Server database esfleet on x", refused, "connect").Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RetryLogicThatGivesUp_ItsAggregateException_IsTheStoresOneLine()
    {
        // SqlClient's retry logic made to retry error 0 (a refused connection) twice, quickly, and give up.
        var db = new SqlServerDatabase("Server=tcp:127.0.0.1,1;Database=esfleet;User Id=esf;Password=Secr3t!word;Connect Timeout=3", TimeProvider.System,
            new SqlRetryLogicOption { NumberOfTries = 2, DeltaTime = TimeSpan.FromMilliseconds(10), MaxTimeInterval = TimeSpan.FromMilliseconds(50), TransientErrors = [0] })
        {
            RetryPause = TimeSpan.Zero,
        };

        var error = await Assert.ThrowsAsync<StoreException>(() => AuditStorage.SqlServer(db).History.ListRunsAsync(5, Token));

        Assert.StartsWith("SQL Server database esfleet on tcp:127.0.0.1,1: cannot connect: the server cannot be reached", error.Message, StringComparison.Ordinal);
        Assert.IsType<SqlException>(error.InnerException);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task AggregateException_IsExplainedByItsLastAttempt()
    {
        var error = new AggregateException(await RealSqlErrors.RefusedAsync(), await RealSqlErrors.UntrustedCertificateAsync());

        Assert.Contains("TLS handshake failed", SqlServerErrors.Explain("db", error, "connect").Message, StringComparison.Ordinal);
        Assert.False(SqlServerErrors.IsTransient(error));
        Assert.True(SqlServerErrors.IsTransient(new AggregateException(await RealSqlErrors.RefusedAsync())));
    }

    /// <summary>Item 13: the preflight of a server that cannot be reached is one failed line (exit 2), not an exception.</summary>
    [Fact]
    public async Task Check_ServerThatCannotBeReached_IsOneFailedConnectLine()
    {
        var store = AuditStorage.SqlServer(new SqlServerDatabase("Server=tcp:127.0.0.1,1;Database=esfleet;Connect Timeout=3", TimeProvider.System) { RetryPause = TimeSpan.Zero });

        var check = Assert.Single(await store.Maintenance.CheckAsync(Token));

        Assert.Equal(("connect", CheckOutcome.Fail), (check.Name, check.Outcome));
        Assert.Contains("the server cannot be reached", check.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_UntrustedCertificate_SaysWhatToDoAboutTheCertificate()
    {
        await using var server = new SelfSignedSqlServer(strict: false);
        var store = AuditStorage.SqlServer(new SqlServerDatabase(server.ConnectionString, TimeProvider.System));

        var check = Assert.Single(await store.Maintenance.CheckAsync(Token));

        Assert.Equal(("connect", CheckOutcome.Fail), (check.Name, check.Outcome));
        Assert.Contains("the TLS handshake failed", check.Detail, StringComparison.Ordinal);
        Assert.Contains("Encrypt=Strict", check.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_AfterTransientErrors_IsRetried_AndSucceeds()
    {
        var refused = await RealSqlErrors.RefusedAsync();
        var attempts = 0;
        var db = new SqlServerDatabase("Server=recorder;Database=esfleet", TimeProvider.System)
        {
            RetryPause = TimeSpan.Zero,
            Connect = _ => ++attempts < 3 ? throw refused : Task.FromResult<DbConnection>(new RecordingSqlConnection([])),
        };

        var runs = await AuditStorage.SqlServer(db).History.ListRunsAsync(5, Token);

        Assert.Empty(runs);
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task Read_AfterAnErrorThatIsNotTransient_IsNotRetried()
    {
        var tls = await RealSqlErrors.UntrustedCertificateAsync();
        var attempts = 0;
        var db = new SqlServerDatabase("Server=recorder;Database=esfleet", TimeProvider.System)
        {
            RetryPause = TimeSpan.Zero,
            Connect = _ => ++attempts > 0 ? throw tls : Task.FromResult<DbConnection>(new RecordingSqlConnection([])),
        };

        await Assert.ThrowsAsync<StoreException>(() => AuditStorage.SqlServer(db).History.ListRunsAsync(5, Token));

        Assert.Equal(1, attempts);
    }
}
