namespace ExchangeSmtpFleet.Simulator;

/// <summary>What the simulated fleet saw, observed from the server side.</summary>
/// <param name="Sessions">Connections accepted.</param>
/// <param name="OpenSessions">Connections open now.</param>
/// <param name="MaxConcurrentSessions">The most connections open at the same time.</param>
public readonly record struct SimulatorStatistics(long Sessions, int OpenSessions, int MaxConcurrentSessions);
