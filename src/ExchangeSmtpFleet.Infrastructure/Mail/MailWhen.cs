namespace ExchangeSmtpFleet.Infrastructure.Mail;

/// <summary>When a run's report is mailed (<c>Mail:When</c>; <see cref="MailPolicy"/> decides).</summary>
public enum MailWhen
{
    /// <summary>After every run.</summary>
    Always = 0,

    /// <summary>Only when an Exchange server needs action or a host has a new problem.</summary>
    Findings = 1,

    /// <summary>Only when something changed since the run before (new problems, recoveries, other verdicts, hosts added or removed).</summary>
    Changes = 2,
}
