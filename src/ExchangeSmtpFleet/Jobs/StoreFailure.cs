namespace ExchangeSmtpFleet.Jobs;

/// <summary>
/// What a health check or the metrics say when the audit database fails: its message, never a 500. SqlClient's retry
/// logic throws an <see cref="AggregateException"/> whose inner exceptions are the <c>SqlException</c>s; their messages
/// name the server, never the password.
/// </summary>
internal static class StoreFailure
{
    /// <summary>
    /// Whether <paramref name="exception"/> is to be reported as the database's failure: a store error, SqlClient's retries
    /// run out, and whatever else a provider throws (a pool with no connection to give) - a health check or a scrape says
    /// Unhealthy with the message, never answers 500. Cancellation is not a failure.
    /// </summary>
    public static bool Is(Exception exception) => exception is not OperationCanceledException;

    /// <summary>The failure in one line.</summary>
    public static string Message(Exception exception) => exception switch
    {
        AggregateException aggregate => string.Join("; ", aggregate.Flatten().InnerExceptions.Select(e => e.Message.Split('\n')[0].Trim()).Distinct(StringComparer.Ordinal)),
        _ => exception?.Message.Split('\n')[0].Trim() ?? string.Empty,
    };
}
