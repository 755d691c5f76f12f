using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Knowledge;
using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Infrastructure.Files;
using ExchangeSmtpFleet.Infrastructure.Mail;
using ExchangeSmtpFleet.Infrastructure.Reporting;

namespace ExchangeSmtpFleet.Infrastructure.Publishing;

/// <summary>
/// Writes a run's workbook and sends its mail (<see cref="IReportPublisher"/>): the workbook is written beside its path
/// first, flushed to the disk and then moved into place, so that a crash, a full disk or a crash of the machine never
/// leaves half a workbook under the run's name and two writers never write into one file (issue 18, item 11).
/// </summary>
/// <param name="history">The runs.</param>
/// <param name="mail">The relay and recipients; null when mail is not configured.</param>
/// <param name="reportDirectory">Where workbooks go by default.</param>
/// <param name="language">The language of workbook and mail.</param>
/// <param name="time">The clock that says how old a partial file of a killed writer is (the system clock when null).</param>
public sealed class RunPublisher(IAuditHistory history, MailOptions? mail, string reportDirectory, Language language, TimeProvider? time = null) : IReportPublisher
{
    /// <summary>How old a partial workbook is before it is taken for the leftover of a killed writer, not one being written.</summary>
    private static readonly TimeSpan AbandonedAfter = TimeSpan.FromHours(1);

    /// <inheritdoc/>
    public bool CanMail => mail is not null;

    /// <inheritdoc/>
    public string DefaultPath(string runId) => Path.GetFullPath(Path.Combine(reportDirectory, $"{runId}.{language.ToCode()}.xlsx"));

    /// <inheritdoc/>
    public string? FindReport(string runId)
    {
        var own = DefaultPath(runId);
        if (WorkbookFile.IsWhole(own))
        {
            return own;
        }

        // Written before workbooks were named by language (one name for every language), or only in another language.
        var unnamed = Path.GetFullPath(Path.Combine(reportDirectory, $"{runId}.xlsx"));
        if (WorkbookFile.IsWhole(unnamed))
        {
            return unnamed;
        }

        return Enum.GetValues<Language>().Select(l => Path.GetFullPath(Path.Combine(reportDirectory, $"{runId}.{l.ToCode()}.xlsx"))).FirstOrDefault(WorkbookFile.IsWhole);
    }

    /// <inheritdoc/>
    public async Task<string> WriteReportAsync(string runId, string? path, CancellationToken cancellationToken)
    {
        var target = Path.GetFullPath(path ?? DefaultPath(runId));

        // The move replaces whatever is at the path: a device, a FIFO or a folder there (or a link to one) is refused, not
        // replaced by a workbook (issue 18, item 2).
        if (FileKind.Describe(target) is { } kind)
        {
            throw new AuditException($"cannot write the workbook: {target} {kind}");
        }

        var directory = Path.GetDirectoryName(target)!;
        var name = Path.GetFileNameWithoutExtension(target);
        var partial = Path.Combine(directory, $".{name}.{Guid.NewGuid():N}.xlsx");
        try
        {
            Directory.CreateDirectory(directory);
            RemoveAbandoned(directory, name);
            await ExcelReport.WriteAsync(history, runId, partial, language, cancellationToken).ConfigureAwait(false);

            // Its data on the disk before its name is: after a crash of the machine the path holds the old workbook or the
            // new one, never a name for blocks that were not written.
            WorkbookFile.Flush(partial);
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

        if (!WorkbookFile.IsWhole(workbook))
        {
            throw new AuditException($"the workbook of {run.RunId} at {workbook} is not a whole workbook: write the report again (esfleet report --run {run.RunId})");
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

    /// <summary>
    /// Removes what writers of this workbook killed before their move left beside it (<c>.name.guid.xlsx</c>): only files an
    /// hour old, so that a writer still at work in another process keeps its file.
    /// </summary>
    private void RemoveAbandoned(string directory, string name)
    {
        var before = (time ?? TimeProvider.System).GetUtcNow().UtcDateTime - AbandonedAfter;
        var prefix = $".{name}.";
        foreach (var file in Directory.EnumerateFiles(directory, ".*.xlsx"))
        {
            var partial = Path.GetFileName(file.AsSpan());
            if (partial.Length == prefix.Length + 32 + ".xlsx".Length
                && partial.StartsWith(prefix, StringComparison.Ordinal)
                && partial.EndsWith(".xlsx", StringComparison.Ordinal)
                && Guid.TryParseExact(partial.Slice(prefix.Length, 32), "N", out _)
                && File.GetLastWriteTimeUtc(file) < before)
            {
                DeleteQuietly(file);
            }
        }
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
