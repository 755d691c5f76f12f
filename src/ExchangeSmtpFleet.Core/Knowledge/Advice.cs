using System.Collections.Immutable;

namespace ExchangeSmtpFleet.Core.Knowledge;

/// <summary>What a verdict means, its probable causes and the remediation, in one language.</summary>
public sealed record Advice(
    string Title,
    string Summary,
    ImmutableArray<string> Causes,
    ImmutableArray<Procedure> Procedures);
