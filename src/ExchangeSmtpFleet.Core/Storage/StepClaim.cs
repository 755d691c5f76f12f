namespace ExchangeSmtpFleet.Core.Storage;

/// <summary>What <see cref="IJobLedger.ClaimStepAsync"/> found.</summary>
/// <param name="Kind">Whether the asking job owns the step.</param>
/// <param name="Owner">The job that owns the step.</param>
public sealed record StepClaim(StepClaimKind Kind, string? Owner);
