using ExchangeSmtpFleet.Core.Storage;

namespace ExchangeSmtpFleet.Jobs;

/// <summary>
/// What a health check or the metrics say when the audit database fails: its message, never a 500. SqlClient's retry
/// logic throws an <see cref="AggregateException"/> whose inner exceptions are the <c>SqlException</c>s; their messages
/// name the server, never the password.
/// </summary>
internal static class StoreFailure
{
    /// <summary>Whether <paramref name="exception"/> is the database's failure (a store error, or SqlClient's retries run out).</summary>
    public static bool Is(Exception exception) => exception is StoreException or AggregateException;

    /// <summary>The failure in one line.</summary>
    public static string Message(Exception exception) => exception switch
    {
        AggregateException aggregate => string.Join("; ", aggregate.Flatten().InnerExceptions.Select(e => e.Message.Split('\n')[0].Trim()).Distinct(StringComparer.Ordinal)),
        _ => exception?.Message.Split('\n')[0].Trim() ?? string.Empty,
    };
}
