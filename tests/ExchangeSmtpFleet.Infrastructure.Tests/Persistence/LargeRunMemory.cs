namespace ExchangeSmtpFleet.Infrastructure.Tests.Persistence;

/// <summary>Measures the live heap, so it runs alone: other tests' objects would be counted with it.</summary>
[CollectionDefinition(nameof(LargeRunMemory), DisableParallelization = true)]
public sealed class LargeRunMemory;
