namespace ExchangeSmtpFleet.Core.Storage;

/// <summary>The answer to a claim of a run's step.</summary>
public enum StepClaimKind
{
    /// <summary>The asking job owns the step and it is not done: do it.</summary>
    Claimed = 0,

    /// <summary>The step is done: do nothing.</summary>
    Done = 1,

    /// <summary>Another job owns the step and it is not done: leave it to that job.</summary>
    Taken = 2,
}
