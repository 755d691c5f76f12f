namespace ExchangeSmtpFleet.Core.Auditing;

/// <summary>Progress of a fleet probe.</summary>
/// <param name="Completed">Hosts finished.</param>
/// <param name="Total">Hosts to probe.</param>
/// <param name="InFlight">Probes running now.</param>
/// <param name="NotHealthy">Finished hosts whose verdict is not Healthy.</param>
public readonly record struct FleetProgress(int Completed, int Total, int InFlight, int NotHealthy);
