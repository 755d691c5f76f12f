using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Inventory;
using ExchangeSmtpFleet.Smtp.Probing;

namespace ExchangeSmtpFleet.Smtp.Fleet;

/// <summary>One inventory host with what probing showed and the verdict on it.</summary>
public sealed record HostOutcome(InventoryHost Host, ProbeResult Probe, ClassificationResult Classification);
