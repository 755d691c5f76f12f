namespace ExchangeSmtpFleet.Core.Probing;

/// <summary>Milliseconds per phase (SPEC 9 <c>timings</c>); null for a phase that did not happen.</summary>
/// <param name="ConnectMs">Name resolution excluded: the successful TCP connect attempt.</param>
/// <param name="BannerMs">From connected to the complete greeting.</param>
/// <param name="EhloMs">From sending EHLO to its complete reply.</param>
/// <param name="TlsMs">The TLS handshake after STARTTLS.</param>
/// <param name="TotalMs">The whole probe, retries included.</param>
public sealed record ProbeTimings(double? ConnectMs, double? BannerMs, double? EhloMs, double? TlsMs, double TotalMs);
