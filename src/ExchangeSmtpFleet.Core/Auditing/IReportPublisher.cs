using ExchangeSmtpFleet.Core.Storage;

namespace ExchangeSmtpFleet.Core.Auditing;

/// <summary>Writes a stored run's workbook and sends its mail (the Excel report and MailKit of Infrastructure).</summary>
public interface IReportPublisher
{
    /// <summary>Whether a relay and recipients are configured.</summary>
    bool CanMail { get; }

    /// <summary>
    /// Where the workbook of a run goes unless told otherwise: <c>&lt;run id&gt;.&lt;language&gt;.xlsx</c> in the reports folder
    /// (full path), so that a workbook in another language (<c>esfleet report --lang de</c>) does not replace the nightly one.
    /// </summary>
    /// <param name="runId">The run.</param>
    string DefaultPath(string runId);

    /// <summary>
    /// The whole workbook of a run on disk, for a download: the one at <see cref="DefaultPath"/>, else one written before
    /// workbooks were named by language (<c>&lt;run id&gt;.xlsx</c>), else one in another language; null when there is none.
    /// A file cut short or emptied (a crash of the machine, an older build, a copy) is passed over (issue 18, item 11).
    /// </summary>
    /// <param name="runId">The run.</param>
    string? FindReport(string runId);

    /// <summary>
    /// Writes the run's workbook to <paramref name="path"/> (<see cref="DefaultPath"/> when null): to a temporary file beside
    /// it first, then moved into place, so that no half-written workbook is ever at the path.
    /// </summary>
    /// <param name="runId">The run.</param>
    /// <param name="path">The file, or null.</param>
    /// <param name="cancellationToken">Stops the writing.</param>
    /// <returns>The workbook's full path.</returns>
    /// <exception cref="AuditException">The file cannot be written; the message names it.</exception>
    Task<string> WriteReportAsync(string runId, string? path, CancellationToken cancellationToken);

    /// <summary>
    /// Composes the mail of <paramref name="run"/> with its <paramref name="workbook"/> and sends it through the relay, unless
    /// <paramref name="askPolicy"/> and the configured policy (<c>Mail:When</c>: always, on findings, on changes) do not want it.
    /// </summary>
    /// <param name="run">The run.</param>
    /// <param name="workbook">Its workbook.</param>
    /// <param name="askPolicy">Whether the policy decides (the audit's own mail step); false sends whatever it says.</param>
    /// <param name="cancellationToken">Cancels the dialogue with the relay.</param>
    /// <returns>Whether the relay took it, with the recipients and relay, the relay's answer, or why it was not wanted.</returns>
    Task<MailDelivery> SendReportAsync(StoredRun run, string workbook, bool askPolicy, CancellationToken cancellationToken);
}
