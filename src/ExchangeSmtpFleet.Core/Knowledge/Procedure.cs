using System.Collections.Immutable;

namespace ExchangeSmtpFleet.Core.Knowledge;

/// <summary>A remediation procedure in one language: who may run it, the steps in order, what can go wrong.</summary>
public sealed record Procedure(
    string Id,
    string Title,
    string? Reference,
    ImmutableArray<string> Prerequisites,
    ImmutableArray<string> Steps,
    ImmutableArray<string> Warnings);
