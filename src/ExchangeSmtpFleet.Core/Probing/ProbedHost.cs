using ExchangeSmtpFleet.Core.Inventory;

namespace ExchangeSmtpFleet.Core.Probing;

/// <summary>One host of a fleet probe with what the probe saw.</summary>
/// <param name="Host">The inventory row.</param>
/// <param name="Probe">What the probe saw.</param>
/// <param name="InFlight">Probes still running when this one was handed over.</param>
public readonly record struct ProbedHost(InventoryHost Host, ProbeResult Probe, int InFlight);
