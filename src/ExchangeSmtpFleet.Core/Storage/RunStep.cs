namespace ExchangeSmtpFleet.Core.Storage;

/// <summary>A step of a pipeline run (a batch, the report, the mail).</summary>
/// <param name="Step">Its name: <c>batch-0003</c>, <c>finish</c>, <c>report</c>, <c>mail</c>.</param>
/// <param name="JobId">The job that owns or did it.</param>
/// <param name="DoneAt">When it was done; null while it is not.</param>
public sealed record RunStep(string Step, string? JobId, DateTimeOffset? DoneAt);
