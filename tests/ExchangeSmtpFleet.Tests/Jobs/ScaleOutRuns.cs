namespace ExchangeSmtpFleet.Tests.Jobs;

/// <summary>
/// The scale-out runs with real processes: not in parallel with any other test (xunit runs this collection after the
/// parallel ones). A restart of PostgreSQL would break other tests' connections, and the runs want the machine's cores.
/// </summary>
[CollectionDefinition(nameof(ScaleOutRuns), DisableParallelization = true)]
public sealed class ScaleOutRuns;
