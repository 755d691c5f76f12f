namespace ExchangeSmtpFleet.Core.Auditing;

/// <summary>One batch of a pipeline run: a range of the run's inventory, in file order.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Label">How the run is named in job titles (<c>2026-11-30 02:00Z</c>).</param>
/// <param name="Number">The batch's number, from 1.</param>
/// <param name="Of">How many batches the run has.</param>
/// <param name="First">The position of its first host in the inventory, from 0.</param>
/// <param name="Size">How many positions it covers.</param>
public sealed record AuditBatch(string RunId, string Label, int Number, int Of, int First, int Size);
