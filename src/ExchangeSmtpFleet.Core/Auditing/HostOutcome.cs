using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Inventory;
using ExchangeSmtpFleet.Core.Probing;

namespace ExchangeSmtpFleet.Core.Auditing;

/// <summary>One inventory host with what probing showed and the verdict on it: the unit every result sink receives.</summary>
/// <param name="Host">The inventory row.</param>
/// <param name="Probe">What the probe saw: timings, transcript, address.</param>
/// <param name="Classification">The verdict and its evidence.</param>
public sealed record HostOutcome(InventoryHost Host, ProbeResult Probe, ClassificationResult Classification);
