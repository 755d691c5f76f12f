namespace ExchangeSmtpFleet.Core.Auditing;

/// <summary>Writes and mails a stored run's report (the Excel workbook and the mail of Infrastructure).</summary>
public interface IReportPublisher
{
    /// <summary>Writes the run's workbook where reports go (again: it is replaced).</summary>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Stops the writing.</param>
    /// <returns>The workbook's full path.</returns>
    Task<string> WriteReportAsync(string runId, CancellationToken cancellationToken);

    /// <summary>Mails the run's workbook unless it was mailed before.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Cancels the dialogue with the relay.</param>
    Task<MailOutcome> MailReportAsync(string runId, CancellationToken cancellationToken);
}
