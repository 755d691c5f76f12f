namespace ExchangeSmtpFleet.Core.Classification;

/// <summary>A failure that ended a dialogue early: transport, time-out or limit.</summary>
/// <param name="Reason">One of the ProtocolError or Unreachable reasons.</param>
/// <param name="Detail">What happened, for people (e.g. the socket error).</param>
public sealed record ProbeFailure(Reason Reason, string Detail);
