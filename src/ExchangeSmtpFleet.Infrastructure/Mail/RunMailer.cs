using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Knowledge;
using ExchangeSmtpFleet.Core.Storage;

namespace ExchangeSmtpFleet.Infrastructure.Mail;

/// <summary>
/// Mails a run's workbook once per run: the store records the send, a second request for the same run (a retried job)
/// sends nothing unless asked to resend, and a failed send is not recorded. What the command line and the jobs share.
/// </summary>
/// <param name="store">Where the run and its mail record are.</param>
/// <param name="options">The relay and recipients; null when mail is not configured.</param>
/// <param name="time">The clock of the record.</param>
public sealed class RunMailer(IAuditStore store, MailOptions? options, TimeProvider time)
{
    /// <summary>Mails <paramref name="workbook"/> (the report of <paramref name="run"/>) unless it was mailed before.</summary>
    /// <param name="run">The run.</param>
    /// <param name="workbook">Its workbook on disk.</param>
    /// <param name="language">The language of the mail.</param>
    /// <param name="resend">Send although the run was mailed before.</param>
    /// <param name="cancellationToken">Cancels reading the run and the dialogue with the relay.</param>
    public async Task<MailOutcome> MailOnceAsync(StoredRun run, string workbook, Language language, bool resend, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (options is null)
        {
            return new MailOutcome(MailOutcomeKind.NotConfigured, null, string.Empty);
        }

        if (!resend && await store.MailedAtAsync(run.RunId, cancellationToken).ConfigureAwait(false) is { } mailedAt)
        {
            return new MailOutcome(MailOutcomeKind.AlreadyMailed, mailedAt, string.Empty);
        }

        // Streamed: the mail needs counts and 20 hosts, not the run.
        var figures = new MailFigures();
        await foreach (var result in store.ReadResultsAsync(run.RunId, cancellationToken).ConfigureAwait(false))
        {
            figures.Add(result);
        }

        var changes = await store.ChangesAsync(run.RunId, null, cancellationToken).ConfigureAwait(false);
        var message = ReportMailer.Compose(options, run, figures, changes, workbook, language);
        try
        {
            await ReportMailer.SendAsync(options, message, cancellationToken).ConfigureAwait(false);
        }
        catch (MailException e)
        {
            return new MailOutcome(MailOutcomeKind.Failed, null, e.Message);
        }

        var sentAt = time.GetUtcNow();
        var recipients = string.Join(", ", options.To);
        await store.RecordMailedAsync(run.RunId, sentAt, recipients, cancellationToken).ConfigureAwait(false);
        return new MailOutcome(MailOutcomeKind.Sent, sentAt, $"{recipients} via {options.Host}:{options.Port}");
    }
}
