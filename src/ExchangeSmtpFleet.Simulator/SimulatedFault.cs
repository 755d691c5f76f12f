namespace ExchangeSmtpFleet.Simulator;

/// <summary>How a simulated host misbehaves. JSON names in brackets.</summary>
public enum SimulatedFault
{
    /// <summary>[none] Replays its transcript faithfully.</summary>
    None,

    /// <summary>[refuse] No listener at all: the kernel refuses the connection.</summary>
    Refuse,

    /// <summary>[silent] Accepts and never says anything.</summary>
    Silent,

    /// <summary>[close] Accepts and closes at once.</summary>
    Close,

    /// <summary>[421] Greets with 421 and closes.</summary>
    ServiceNotAvailable,

    /// <summary>[554] Greets with 554, answers 503 to everything but QUIT (RFC 5321 3.1).</summary>
    NoService,

    /// <summary>[not-smtp] Speaks SSH.</summary>
    NotSmtp,

    /// <summary>[garbage] Sends random binary bytes.</summary>
    Garbage,

    /// <summary>[ehlo-rejected] Refuses EHLO with 500, accepts HELO.</summary>
    EhloRejected,

    /// <summary>[all-rejected] Refuses EHLO and HELO with 550.</summary>
    AllRejected,

    /// <summary>[endless-reply] Answers EHLO with 250- lines that never end.</summary>
    EndlessReply,

    /// <summary>[one-byte-at-a-time] Sends every reply one byte at a time (a tarpit that stutters).</summary>
    OneByteAtATime,

    /// <summary>[cut-mid-reply] Resets the connection in the middle of the EHLO reply.</summary>
    CutMidReply,

    /// <summary>[slow-greeting] Waits <c>greetingDelayMs</c> before the greeting.</summary>
    SlowGreeting,

    /// <summary>[starttls-self-signed] Advertises STARTTLS (added if the transcript lacks it) with a self-signed certificate.</summary>
    StartTlsSelfSigned,

    /// <summary>[long-line] Sends one line far longer than RFC 5321 allows.</summary>
    LongLine,

    /// <summary>[tls-broken] Says 220 to STARTTLS with plaintext behind it in the same write, then closes instead of a TLS handshake.</summary>
    TlsBroken,

    /// <summary>[early-talker] Sends its healthy EHLO list right behind the greeting, unasked, and answers the real EHLO
    /// with the list of a server whose Exchange sinks are not loaded: a probe must judge the answer to its own EHLO.</summary>
    EarlyTalker,

    /// <summary>[ehlo-ends-421] Answers EHLO with its keyword lines and a final <c>421 4.3.2 Service shutting down</c>.</summary>
    EhloEndsIn421,

    /// <summary>[bare-cr] Ends its greeting lines with a bare CR instead of CRLF, then waits.</summary>
    BareCr,
}
