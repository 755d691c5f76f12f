namespace ExchangeSmtpFleet.Core.Protocol;

/// <summary>Result of feeding one line to a <see cref="ReplyAccumulator"/>.</summary>
/// <param name="Reply">The completed reply, when the line was a final line.</param>
/// <param name="Error">Why reading stopped, when a limit or the syntax was broken.</param>
public readonly record struct ReplyStep(SmtpReply? Reply, ReplyError? Error)
{
    /// <summary>More lines are expected.</summary>
    public static ReplyStep More => default;

    public bool IsComplete => Reply is not null;

    public bool IsError => Error is not null;

    public static ReplyStep Done(SmtpReply reply) => new(reply, null);

    public static ReplyStep Fail(ReplyError error) => new(null, error);
}
