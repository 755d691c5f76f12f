namespace ExchangeSmtpFleet.Core.Protocol;

/// <summary>Result of feeding one line to a <see cref="ReplyAccumulator"/>.</summary>
/// <param name="Reply">The completed reply, when the line was a final line.</param>
/// <param name="Error">Why reading stopped, when a limit or the syntax was broken.</param>
public readonly record struct ReplyStep(SmtpReply? Reply, ReplyError? Error)
{
    /// <summary>More lines are expected.</summary>
    public static ReplyStep More => default;

    /// <summary>The line completed a reply: <see cref="Reply"/> holds it.</summary>
    public bool IsComplete => Reply is not null;

    /// <summary>Reading stopped: <see cref="Error"/> says why.</summary>
    public bool IsError => Error is not null;

    /// <summary>A completed reply.</summary>
    public static ReplyStep Done(SmtpReply reply) => new(reply, null);

    /// <summary>A broken limit or syntax.</summary>
    public static ReplyStep Fail(ReplyError error) => new(null, error);
}
