namespace ExchangeSmtpFleet.Core.Classification;

/// <summary>
/// The machine code that says why a host got its verdict. Each reason belongs to exactly one verdict
/// (<see cref="ReasonVerdicts"/>); the names are stored and exported, so never rename one.
/// </summary>
public enum Reason
{
    // Healthy
    /// <summary>Every required keyword of the profile is advertised.</summary>
    ProfileSatisfied,

    // MissingSinks
    /// <summary>Every Exchange event-sink keyword is missing and the Windows SMTP list is complete.</summary>
    ExchangeKeywordsAbsent,

    // SuspectedMetabaseCorruption
    /// <summary>Some, not all, Exchange keywords are missing; the Windows SMTP list is complete.</summary>
    ExchangeKeywordsIncomplete,

    /// <summary>Exchange keywords are complete but Windows SMTP (metabase) keywords are missing.</summary>
    WindowsKeywordsIncomplete,

    /// <summary>Both Exchange and Windows SMTP keywords are missing.</summary>
    KeywordListIncomplete,

    // UnexpectedServer
    /// <summary>Another server family answered (another MTA, another Exchange generation, a gateway).</summary>
    UnexpectedFamily,

    /// <summary>A firewall with SMTP inspection masks the banner or the keywords.</summary>
    MaskedByFirewall,

    /// <summary>The server accepts only HELO: no ESMTP keywords at all.</summary>
    NoEsmtp,

    /// <summary>The family is the expected one, but keywords required by a non-Exchange-2003 profile are missing.</summary>
    RequiredKeywordsMissing,

    // Rejected
    /// <summary>421 greeting or 421 at any later point (RFC 5321 3.8).</summary>
    ServiceNotAvailable,

    /// <summary>554 greeting: no SMTP service here (RFC 5321 3.1).</summary>
    NoService,

    /// <summary>EHLO and HELO were both refused.</summary>
    EhloRejected,

    /// <summary>EHLO refused behind a firewall that masks the SMTP dialogue.</summary>
    EhloRejectedByFirewall,

    // ProtocolError
    /// <summary>Something answered that does not speak SMTP.</summary>
    NotSmtp,

    /// <summary>A line exceeded the probe's line-length limit.</summary>
    LineTooLong,

    /// <summary>A reply exceeded the probe's lines-per-reply limit.</summary>
    ReplyTooLong,

    /// <summary>The session exceeded the probe's byte budget.</summary>
    SessionTooLong,

    /// <summary>A reply code that makes no sense at that point of the dialogue.</summary>
    UnexpectedReply,

    /// <summary>An offline transcript without the greeting or EHLO reply needed to judge it.</summary>
    IncompleteTranscript,

    // Unreachable
    /// <summary>The host name could not be resolved.</summary>
    DnsFailure,

    /// <summary>The TCP connection was refused (RST).</summary>
    ConnectionRefused,

    /// <summary>The TCP connection was not established in time.</summary>
    ConnectTimeout,

    /// <summary>The server did not complete its greeting in time.</summary>
    GreetingTimeout,

    /// <summary>The server did not complete a reply in time.</summary>
    ReplyTimeout,

    /// <summary>The server closed or reset the connection during the dialogue.</summary>
    ConnectionClosed,

    /// <summary>No route to the host or network.</summary>
    NetworkUnreachable,

    /// <summary>The overall per-host deadline passed.</summary>
    DeadlineExceeded,
}
