using Npgsql;

namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>
/// What every esfleet connection to PostgreSQL adds to the configured connection string (the store's and Hangfire's), so
/// that each side notices when the other is gone. The server: a client that vanished (a worker that lost its network, a
/// machine that lost power) is noticed within half a minute; without that the server keeps its session, open transaction
/// and row locks for the operating system's TCP keepalive time (two hours by default), and a batch taken over from a
/// cut-off worker waits on the rows that worker had begun to write. The client: an idle pooled connection that the server
/// ended (a restart) is found broken by a keepalive and not handed out; without that, each one fails its first use after
/// a restart, and Hangfire's loops back off further with every such failure (a minute's stall was measured).
/// </summary>
public static class PostgresSessions
{
    /// <summary>
    /// Server-side TCP keepalive after 15 s of silence, every 5 s, three unanswered probes end the session; data the server
    /// sent that stays unacknowledged for 30 s ends it too (tcp_user_timeout). Every user may set these; they cost a probe
    /// per idle connection every few seconds.
    /// </summary>
    public const string ServerKeepalives = "-c tcp_keepalives_idle=15 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3 -c tcp_user_timeout=30000";

    /// <summary>Seconds of idleness after which Npgsql sends a keepalive query on a connection (and breaks it when that fails).</summary>
    public const int ClientKeepaliveSeconds = 5;

    /// <summary>
    /// Adds <see cref="ServerKeepalives"/> to the connection's startup options and <see cref="ClientKeepaliveSeconds"/> as
    /// Npgsql's keepalive, unless the connection string sets its own.
    /// </summary>
    /// <param name="builder">The connection string, changed in place.</param>
    public static void AddKeepalives(NpgsqlConnectionStringBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Options?.Contains("tcp_keepalives", StringComparison.OrdinalIgnoreCase) != true)
        {
            builder.Options = string.IsNullOrWhiteSpace(builder.Options) ? ServerKeepalives : $"{builder.Options} {ServerKeepalives}";
        }

        if (builder.KeepAlive == 0)
        {
            builder.KeepAlive = ClientKeepaliveSeconds;
        }
    }
}
