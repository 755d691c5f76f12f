using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Knowledge;
using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Infrastructure.Mail;
using ExchangeSmtpFleet.Infrastructure.Reporting;

namespace ExchangeSmtpFleet.Infrastructure.Publishing;

/// <summary>
/// The report and mail steps of the job pipeline: the workbook <c>&lt;run id&gt;.xlsx</c> in the reports folder, written
/// beside it first and then moved into place (a crash never leaves half a workbook under the run's name, and two writers
/// never write into one file), and the mail once per run.
/// </summary>
/// <param name="store">The runs.</param>
/// <param name="mailer">Mails once per run.</param>
/// <param name="reportDirectory">Where workbooks go.</param>
/// <param name="language">The language of workbook and mail.</param>
public sealed class RunPublisher(IAuditStore store, RunMailer mailer, string reportDirectory, Language language) : IReportPublisher
{
    /// <summary>Where the workbook of a run is.</summary>
    /// <param name="runId">The run.</param>
    public string PathOf(string runId) => Path.GetFullPath(Path.Combine(reportDirectory, $"{runId}.xlsx"));

    /// <inheritdoc/>
    public async Task<string> WriteReportAsync(string runId, CancellationToken cancellationToken)
    {
        var path = PathOf(runId);
        var partial = Path.Combine(Path.GetDirectoryName(path)!, $".{runId}.{Guid.NewGuid():N}.xlsx");
        try
        {
            await ExcelReport.WriteAsync(store, runId, partial, language, cancellationToken).ConfigureAwait(false);
            File.Move(partial, path, overwrite: true);
            return path;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AuditPipelineException($"cannot write {path}: {e.Message}", e);
        }
        finally
        {
            File.Delete(partial);
        }
    }

    /// <inheritdoc/>
    public async Task<MailOutcome> MailReportAsync(string runId, CancellationToken cancellationToken)
    {
        var run = await store.FindRunAsync(runId, cancellationToken).ConfigureAwait(false)
            ?? throw new AuditPipelineException($"run {runId} is not in {store.Description}");
        var path = PathOf(runId);
        if (!File.Exists(path))
        {
            throw new AuditPipelineException($"the workbook of {runId} is not at {path}: write the report first (esfleet report --run {runId})");
        }

        return await mailer.MailOnceAsync(run, path, language, resend: false, cancellationToken).ConfigureAwait(false);
    }
}
