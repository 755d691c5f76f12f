namespace ExchangeSmtpFleet.Core.Classification;

/// <summary>
/// The machine code that says why a host got its verdict. Each reason belongs to exactly one verdict
/// (<see cref="ReasonVerdicts"/>). Stored and exported by name; the values are pinned too (a hundred per verdict,
/// in the verdict's order), so never rename or renumber one.
/// </summary>
public enum Reason
{
    // Healthy
    /// <summary>Every required keyword of the profile is advertised.</summary>
    ProfileSatisfied = 0,

    // MissingSinks
    /// <summary>Every Exchange event-sink keyword is missing and the Windows SMTP list is complete.</summary>
    ExchangeKeywordsAbsent = 100,

    // SuspectedMetabaseCorruption
    /// <summary>Some, not all, Exchange keywords are missing; the Windows SMTP list is complete.</summary>
    ExchangeKeywordsIncomplete = 200,

    /// <summary>Exchange keywords are complete but Windows SMTP (metabase) keywords are missing.</summary>
    WindowsKeywordsIncomplete = 201,

    /// <summary>Both Exchange and Windows SMTP keywords are missing.</summary>
    KeywordListIncomplete = 202,

    // UnexpectedServer
    /// <summary>Another server family answered (another MTA, another Exchange generation, a gateway).</summary>
    UnexpectedFamily = 300,

    /// <summary>A firewall with SMTP inspection masks the banner or the keywords.</summary>
    MaskedByFirewall = 301,

    /// <summary>The server accepts only HELO: no ESMTP keywords at all.</summary>
    NoEsmtp = 302,

    /// <summary>The family is the expected one, but keywords required by a non-Exchange-2003 profile are missing.</summary>
    RequiredKeywordsMissing = 303,

    // Rejected
    /// <summary>421 greeting or 421 at any later point (RFC 5321 3.8).</summary>
    ServiceNotAvailable = 400,

    /// <summary>554 greeting: no SMTP service here (RFC 5321 3.1).</summary>
    NoService = 401,

    /// <summary>EHLO and HELO were both refused.</summary>
    EhloRejected = 402,

    /// <summary>EHLO refused behind a firewall that masks the SMTP dialogue.</summary>
    EhloRejectedByFirewall = 403,

    // ProtocolError
    /// <summary>Something answered that does not speak SMTP.</summary>
    NotSmtp = 500,

    /// <summary>A line exceeded the probe's line-length limit.</summary>
    LineTooLong = 501,

    /// <summary>A reply exceeded the probe's lines-per-reply limit.</summary>
    ReplyTooLong = 502,

    /// <summary>The session exceeded the probe's byte budget.</summary>
    SessionTooLong = 503,

    /// <summary>A reply code that makes no sense at that point of the dialogue.</summary>
    UnexpectedReply = 504,

    /// <summary>An offline transcript without the greeting or EHLO reply needed to judge it.</summary>
    IncompleteTranscript = 505,

    // Unreachable
    /// <summary>The host name could not be resolved.</summary>
    DnsFailure = 600,

    /// <summary>The TCP connection was refused (RST).</summary>
    ConnectionRefused = 601,

    /// <summary>The TCP connection was not established in time.</summary>
    ConnectTimeout = 602,

    /// <summary>The server did not complete its greeting in time.</summary>
    GreetingTimeout = 603,

    /// <summary>The server did not complete a reply in time.</summary>
    ReplyTimeout = 604,

    /// <summary>The server closed or reset the connection during the dialogue.</summary>
    ConnectionClosed = 605,

    /// <summary>No route to the host or network.</summary>
    NetworkUnreachable = 606,

    /// <summary>The overall per-host deadline passed.</summary>
    DeadlineExceeded = 607,
}
