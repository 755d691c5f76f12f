using System.Net;

namespace ExchangeSmtpFleet.Simulator;

/// <summary>A running simulated host: where it listens and how it behaves.</summary>
/// <param name="EndPoint">Address and the bound port (for port 0, the one the system chose).</param>
/// <param name="Fault">Its fault.</param>
/// <param name="Definition">Its definition.</param>
public sealed record SimulatedEndpoint(IPEndPoint EndPoint, SimulatedFault Fault, SimulatedHostDefinition Definition);
