namespace ExchangeSmtpFleet.Tests.Documentation;

/// <summary>Tests that start the lab fleet of samples/ (127.10.0.x:2525) run one after the other: one listener per address.</summary>
[CollectionDefinition(nameof(LabFleet))]
public sealed class LabFleet;
