using System.Net.Sockets;
using System.Security.Authentication;
using ExchangeSmtpFleet.Core.Storage;
using Microsoft.Data.SqlClient;

namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>
/// What SqlClient's errors mean for the audit database and Hangfire's job storage on SQL Server: one line with advice, and
/// which errors another attempt may get past. Holds no string constants: every constant of a <c>SqlServer*</c> type is
/// parsed as T-SQL by the offline checks (<see cref="SqlServerDatabase.Statements"/>).
/// </summary>
public static class SqlServerErrors
{
    /// <summary>SqlException numbers worth another try: time-outs, deadlocks, a database or network that is briefly away.</summary>
    internal static readonly int[] TransientNumbers = [-2, 20, 64, 233, 1205, 4060, 10053, 10054, 10060, 40197, 40501, 40613, 49918, 49919, 49920];

    /// <summary>
    /// Schannel and certificate errors (HRESULTs) that SqlClient reports as the error number when the TLS handshake fails:
    /// SEC_E_UNTRUSTED_ROOT, SEC_E_WRONG_PRINCIPAL, SEC_E_ILLEGAL_MESSAGE, SEC_E_ALGORITHM_MISMATCH, CERT_E_UNTRUSTEDROOT,
    /// CERT_E_EXPIRED, CERT_E_CN_NO_MATCH.
    /// </summary>
    private static readonly int[] TlsNumbers = [-2146893019, -2146893022, -2146893018, -2146893007, -2146762487, -2146762495, -2146762481];

    /// <summary>
    /// The SqlException an error stands for: itself, or the last of those SqlClient's retry logic gathered in an
    /// <see cref="AggregateException"/> when it gave up (the last attempt is the one to explain); null for other errors.
    /// </summary>
    /// <param name="error">What SqlClient (or Hangfire over it) threw.</param>
    public static SqlException? SqlError(Exception? error) => error switch
    {
        SqlException sql => sql,
        AggregateException aggregate => aggregate.InnerExceptions.Select(SqlError).LastOrDefault(e => e is not null),
        _ => null,
    };

    /// <summary>True for errors a new attempt of an idempotent unit of work may get past.</summary>
    /// <param name="error">What was thrown (a <see cref="SqlException"/>, or the retry logic's <see cref="AggregateException"/>).</param>
    /// <remarks>
    /// Linux reports a dropped or refused connection as error number 0 with a socket error inside, not as the Windows
    /// numbers 10053/10054/10060: number 0 with a <see cref="SocketException"/> or an <see cref="IOException"/> in its chain
    /// is transient too (issue 21, item 10). A failed TLS handshake is not: it fails the same way every time.
    /// </remarks>
    public static bool IsTransient(Exception? error)
    {
        if (SqlError(error) is not { } sql || IsCertificate(sql) || Chain(sql).Any(e => e is AuthenticationException))
        {
            return false;
        }

        return sql.Errors.Cast<Microsoft.Data.SqlClient.SqlError>().Select(e => e.Number).Append(sql.Number).Any(TransientNumbers.Contains)
            || (sql.Number == 0 && Chain(sql).Any(e => e is SocketException or IOException));
    }

    /// <summary>One line for an error of SQL Server: which database, what failed, what to do, and SqlClient's own message.</summary>
    /// <param name="description">Which database (server and database, never a password).</param>
    /// <param name="error">What was thrown.</param>
    /// <param name="what">What was being done (<c>store results</c>).</param>
    public static StoreException Explain(string description, Exception error, string what)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (SqlError(error) is not { } sql)
        {
            return new StoreException($"{description}: cannot {what}: {FirstLine(error.Message)}", error);
        }

        return new StoreException($"{description}: cannot {what}: {Advice(sql)} (SQL Server error {sql.Number}: {FirstLine(sql.Message)}{TlsDetail(sql)})", sql);
    }

    /// <summary>What to do about <paramref name="error"/>, in a few words.</summary>
    internal static string Advice(SqlException error)
    {
        if (IsCertificate(error))
        {
            return "the TLS handshake failed: this machine does not trust the server's certificate or the certificate names another server "
                + "(SqlClient encrypts and checks the certificate by default); trust the certificate's issuer on this machine and connect by a "
                + "name the certificate holds (Encrypt=True, or Encrypt=Strict on SQL Server 2022), or in a lab only add TrustServerCertificate=True "
                + "to the connection string (README: SQL Server)";
        }

        if (Chain(error).Any(e => e is AuthenticationException))
        {
            return "the TLS handshake failed, not over the certificate: check that the server speaks TLS 1.2 (SQL Server 2016 needs its "
                + "TLS 1.2 update) and that Encrypt= in the connection string is what the server offers (Strict needs SQL Server 2022)";
        }

        return error.Number switch
        {
            18456 => "the login failed; check the user and password of ConnectionStrings:Fleet, or use integrated security",
            4060 => "the database cannot be opened; check that it exists and the login may use it",
            229 or 262 or 297 or 300 or 1088 or 2760 => "permission denied; a login that runs esfleet needs db_datareader and db_datawriter once a DBA "
                + "applied esfleet db script, and db_ddladmin as well to create or upgrade the schema itself (README: SQL Server)",
            208 => "an object is missing: the schema is not in place; run esfleet db migrate with a login that may create it, or have a DBA apply "
                + "esfleet db script --provider sqlserver",
            -2 => "the server did not answer in time",
            1205 => "a deadlock with another writer; run again",
            0 when error.Message.Contains("pre-login", StringComparison.OrdinalIgnoreCase) && !Chain(error).Any(e => e is SocketException) =>
                "the server answered but the connection could not be set up (pre-login handshake): check that it is a SQL Server at that port, "
                + "and that it speaks TLS 1.2 (SQL Server 2016 needs its TLS 1.2 update)",
            0 or 2 or 35 or 40 or 53 or -1 or 10060 or 10061 or 11001 => "the server cannot be reached; check the server name, port and firewall",
            _ => "see the SQL Server message",
        };
    }

    /// <summary>
    /// Whether the TLS handshake failed over the server's certificate (not trusted, or naming another server): .NET says so
    /// in the <see cref="AuthenticationException"/> inside (Linux, managed SNI), Windows in the error number (Schannel's
    /// HRESULT) and message.
    /// </summary>
    internal static bool IsCertificate(SqlException error) =>
        Chain(error).OfType<AuthenticationException>().Any(e => e.Message.Contains("certificate", StringComparison.OrdinalIgnoreCase))
        || error.Errors.Cast<Microsoft.Data.SqlClient.SqlError>().Select(e => e.Number).Append(error.Number).Any(TlsNumbers.Contains)
        || error.Message.Contains("certificate", StringComparison.OrdinalIgnoreCase);

    /// <summary>What .NET says about the handshake (<c>UntrustedRoot</c>, a name mismatch), when it failed.</summary>
    private static string TlsDetail(SqlException error) =>
        Chain(error).OfType<AuthenticationException>().FirstOrDefault() is { } tls
            ? $"; {string.Join(' ', tls.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))}"
            : string.Empty;

    private static IEnumerable<Exception> Chain(Exception error)
    {
        for (var e = error.InnerException; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();
}
