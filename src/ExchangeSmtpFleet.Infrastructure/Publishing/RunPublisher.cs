using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Knowledge;
using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Infrastructure.Mail;
using ExchangeSmtpFleet.Infrastructure.Reporting;

namespace ExchangeSmtpFleet.Infrastructure.Publishing;

/// <summary>
/// Writes a run's workbook and sends its mail (<see cref="IReportPublisher"/>): the workbook is written beside its path
/// first and then moved into place, so that a crash or a full disk never leaves half a workbook under the run's name and
/// two writers never write into one file.
/// </summary>
/// <param name="history">The runs.</param>
/// <param name="mail">The relay and recipients; null when mail is not configured.</param>
/// <param name="reportDirectory">Where workbooks go by default.</param>
/// <param name="language">The language of workbook and mail.</param>
public sealed class RunPublisher(IAuditHistory history, MailOptions? mail, string reportDirectory, Language language) : IReportPublisher
{
    /// <inheritdoc/>
    public bool CanMail => mail is not null;

    /// <inheritdoc/>
    public string DefaultPath(string runId) => Path.GetFullPath(Path.Combine(reportDirectory, $"{runId}.{language.ToCode()}.xlsx"));

    /// <inheritdoc/>
    public string? FindReport(string runId)
    {
        var own = DefaultPath(runId);
        if (File.Exists(own))
        {
            return own;
        }

        // Written before workbooks were named by language (one name for every language), or only in another language.
        var unnamed = Path.GetFullPath(Path.Combine(reportDirectory, $"{runId}.xlsx"));
        if (File.Exists(unnamed))
        {
            return unnamed;
        }

        return Enum.GetValues<Language>().Select(l => Path.GetFullPath(Path.Combine(reportDirectory, $"{runId}.{l.ToCode()}.xlsx"))).FirstOrDefault(File.Exists);
    }

    /// <inheritdoc/>
    public async Task<string> WriteReportAsync(string runId, string? path, CancellationToken cancellationToken)
    {
        var target = Path.GetFullPath(path ?? DefaultPath(runId));
        var directory = Path.GetDirectoryName(target)!;
        var partial = Path.Combine(directory, $".{Path.GetFileNameWithoutExtension(target)}.{Guid.NewGuid():N}.xlsx");
        try
        {
            Directory.CreateDirectory(directory);
            await ExcelReport.WriteAsync(history, runId, partial, language, cancellationToken).ConfigureAwait(false);
            File.Move(partial, target, overwrite: true);
            return target;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AuditException($"cannot write {target}: {e.Message}", e);
        }
        finally
        {
            DeleteQuietly(partial);
        }
    }

    /// <inheritdoc/>
    public async Task<MailDelivery> SendReportAsync(StoredRun run, string workbook, bool askPolicy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var options = mail ?? throw new InvalidOperationException("mail is not configured");
        if (!File.Exists(workbook))
        {
            throw new AuditException($"the workbook of {run.RunId} is not at {workbook}: write the report first (esfleet report --run {run.RunId})");
        }

        // Streamed: the mail needs counts and 20 hosts, not the run.
        var figures = new MailFigures();
        await foreach (var result in history.ReadResultsAsync(run.RunId, cancellationToken).ConfigureAwait(false))
        {
            figures.Add(result);
        }

        var changes = await history.ChangesAsync(run.RunId, null, cancellationToken).ConfigureAwait(false);
        if (askPolicy && !MailPolicy.ShouldSend(options.When, figures, changes, out var reason))
        {
            return MailDelivery.NotWanted(reason);
        }

        var message = ReportMailer.Compose(options, run, figures, changes, workbook, language);
        MailSent sent;
        try
        {
            sent = await ReportMailer.SendAsync(options, message, cancellationToken).ConfigureAwait(false);
        }
        catch (MailException e)
        {
            return MailDelivery.Refused(e.Message);
        }

        return MailDelivery.Sent(string.Join(", ", options.To), $"{options.Host}:{options.Port}", sent.QuitProblem);
    }

    /// <summary>Removes a partial workbook; a failure here (the folder gone with the disk) must not hide the writing's own error.</summary>
    private static void DeleteQuietly(string partial)
    {
        try
        {
            File.Delete(partial);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The error that made the writing fail is the one to report.
        }
    }
}
