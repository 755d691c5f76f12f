namespace ExchangeSmtpFleet.Core.Classification;

/// <summary>Maps every <see cref="Reason"/> onto its <see cref="Verdict"/>.</summary>
public static class ReasonVerdicts
{
    /// <summary>The verdict <paramref name="reason"/> belongs to.</summary>
    public static Verdict VerdictOf(Reason reason) => reason switch
    {
        Reason.ProfileSatisfied => Verdict.Healthy,
        Reason.ExchangeKeywordsAbsent => Verdict.MissingSinks,
        Reason.ExchangeKeywordsIncomplete or Reason.WindowsKeywordsIncomplete or Reason.KeywordListIncomplete
            => Verdict.SuspectedMetabaseCorruption,
        Reason.UnexpectedFamily or Reason.MaskedByFirewall or Reason.NoEsmtp or Reason.RequiredKeywordsMissing
            => Verdict.UnexpectedServer,
        Reason.ServiceNotAvailable or Reason.NoService or Reason.EhloRejected or Reason.EhloRejectedByFirewall
            => Verdict.Rejected,
        Reason.NotSmtp or Reason.LineTooLong or Reason.ReplyTooLong or Reason.SessionTooLong
            or Reason.UnexpectedReply or Reason.IncompleteTranscript => Verdict.ProtocolError,
        Reason.DnsFailure or Reason.ConnectionRefused or Reason.ConnectTimeout or Reason.GreetingTimeout
            or Reason.ReplyTimeout or Reason.ConnectionClosed or Reason.NetworkUnreachable or Reason.DeadlineExceeded
            => Verdict.Unreachable,
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "reason without a verdict"),
    };
}
