namespace ExchangeSmtpFleet.Smtp.Probing;

/// <summary>Milliseconds per phase (SPEC 9 <c>timings</c>); null for a phase that did not happen.</summary>
public sealed record ProbeTimings(double? ConnectMs, double? BannerMs, double? EhloMs, double? TlsMs, double TotalMs);
