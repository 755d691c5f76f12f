namespace ExchangeSmtpFleet.Core.Auditing;

/// <summary>Who asks for a run's mail, which decides whether <c>Mail:When</c> applies and whether a mailed run is sent again.</summary>
public enum MailTrigger
{
    /// <summary>The audit's own mail step (the nightly mail job, <c>audit --email</c>): once per run, when <c>Mail:When</c> wants it.</summary>
    Audit = 0,

    /// <summary>A person asked (<c>report --email</c>): once per run, whatever <c>Mail:When</c> says.</summary>
    Command = 1,

    /// <summary>A person asked to send it again (<c>report --email --resend</c>): sent although it was mailed before.</summary>
    Resend = 2,
}
