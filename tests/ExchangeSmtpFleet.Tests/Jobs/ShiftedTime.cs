namespace ExchangeSmtpFleet.Tests.Jobs;

/// <summary>The system clock moved by <see cref="Offset"/>: a host that lives some hours after the runs it reads.</summary>
internal sealed class ShiftedTime(TimeSpan offset) : TimeProvider
{
    public TimeSpan Offset { get; } = offset;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}
