using System.Collections.Immutable;
using ExchangeSmtpFleet.Core.Protocol;

namespace ExchangeSmtpFleet.Core.Classification;

/// <summary>
/// What one SMTP dialogue showed, from a live probe or a pasted transcript: the input of the classifier.
/// Every reply is optional, because a dialogue can end at any step.
/// </summary>
public sealed record SmtpObservation
{
    /// <summary>The greeting (banner) reply.</summary>
    public SmtpReply? Greeting { get; init; }

    /// <summary>The reply to EHLO before TLS.</summary>
    public SmtpReply? EhloReply { get; init; }

    /// <summary>The reply to HELO, when EHLO was refused and the client fell back.</summary>
    public SmtpReply? HeloReply { get; init; }

    /// <summary>The reply to STARTTLS.</summary>
    public SmtpReply? StartTlsReply { get; init; }

    /// <summary>The reply to EHLO after the TLS handshake (RFC 3207 4.2: the list may differ).</summary>
    public SmtpReply? PostTlsEhloReply { get; init; }

    /// <summary>The TLS session and certificate, when STARTTLS succeeded.</summary>
    public TlsObservation? Tls { get; init; }

    /// <summary>Why the dialogue ended early, when a transport or limit failure ended it.</summary>
    public ProbeFailure? Failure { get; init; }

    /// <summary>Reasons the TLS upgrade did not happen, when it was attempted and failed (a finding, never a verdict).</summary>
    public string? TlsError { get; init; }

    /// <summary>The first lines the server sent unasked between its greeting and the EHLO (escaped), never a reply.</summary>
    public ImmutableArray<string> UnsolicitedLines { get; init; } = [];

    /// <summary>How many lines the server sent unasked before the EHLO.</summary>
    public int UnsolicitedLineCount { get; init; }

    /// <summary>Time from connect to complete greeting, when measured.</summary>
    public TimeSpan? GreetingTime { get; init; }
}
