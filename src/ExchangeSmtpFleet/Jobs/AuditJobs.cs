using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Hosting;
using Hangfire;
using Hangfire.Server;
using Microsoft.Extensions.Logging;

namespace ExchangeSmtpFleet.Jobs;

/// <summary>
/// The Hangfire jobs of the nightly audit. Thin on purpose: each builds its request, calls one step of
/// <see cref="AuditWorkflow"/> with its job id as the step's owner, logs its one line and returns it (the dashboard shows it
/// as the job's result). Renaming this class or a method breaks jobs stored by an older build: add new methods instead.
/// </summary>
/// <remarks>
/// Retries: three, after one, five and fifteen minutes (Hangfire's default is ten spread over days). A batch stopped
/// by a shutdown is handed back at once and probes only what it had not stored.
/// </remarks>
[AutomaticRetry(Attempts = 3, DelaysInSeconds = [60, 300, 900], OnAttemptsExceeded = AttemptsExceededAction.Fail)]
internal sealed class AuditJobs(AuditWorkflow workflow, AuditSettings settings, AuditMeter meter, ILogger<AuditJobs> log)
{
    /// <summary>The recurring job <c>nightly-audit</c>: begins a run and queues its batches, or says why it is skipped.</summary>
    [JobDisplayName("Audit: start a run of the inventory")]
    public async Task<string> StartAsync(PerformContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var job = context.BackgroundJob;
        var request = new RunRequest(RunKind.Audit, Path.GetFullPath(settings.Inventory!), settings.EffectiveConcurrency)
        {
            RunId = AuditWorkflow.RunIdFor(job.Id, Utc(job.CreatedAt)),
            BatchSize = settings.BatchSize,
            Owner = job.Id,
        };
        var start = await workflow.BeginRunAsync(request, cancellationToken).ConfigureAwait(false);
        return Log(start.Began ? start.Line : $"skipped: {start.Line}; this audit is not queued");
    }

    /// <summary>One batch of a run; counted in the meter by how it ended (the exception filter counts and lets the exception go on).</summary>
    [JobDisplayName("Audit {0}: batch {2} of {3}")]
    public async Task<string> BatchAsync(string label, string runId, int number, int of, int first, int size, PerformContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            var line = await workflow.ProbeBatchAsync(new AuditBatch(runId, label, number, of, first, size), context.BackgroundJob.Id, cancellationToken).ConfigureAwait(false);
            meter.BatchJob("succeeded");
            return Log(line);
        }
        catch (Exception e) when (Counted(e))
        {
            throw;
        }
    }

    /// <summary>The report of a finished run; queues the mail when <c>Audit:Email</c> is on.</summary>
    [JobDisplayName("Audit {0}: report")]
    public async Task<string> ReportAsync(string label, string runId, PerformContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Log(await workflow.WriteRunReportAsync(runId, label, context.BackgroundJob.Id, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The mail of a run's report.</summary>
    [JobDisplayName("Audit {0}: mail the report")]
    public async Task<string> MailAsync(string label, string runId, PerformContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Log(await workflow.MailRunReportAsync(runId, context.BackgroundJob.Id, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The run that the start job <paramref name="jobId"/> makes (or made), from the job's creation time in the storage.</summary>
    public static string RunIdOf(JobStorage storage, string jobId)
    {
        ArgumentNullException.ThrowIfNull(storage);
        using var connection = storage.GetConnection();
        return AuditWorkflow.RunIdFor(jobId, Utc(connection.GetJobData(jobId).CreatedAt));
    }

    /// <summary>Counts a batch that ended with <paramref name="exception"/>; never catches it.</summary>
    private bool Counted(Exception exception)
    {
        meter.BatchJob(exception is OperationCanceledException ? "interrupted" : "failed");
        return false;
    }

    /// <summary>Hangfire keeps times as UTC <see cref="DateTime"/>s of unspecified kind.</summary>
    private static DateTimeOffset Utc(DateTime time) => new(DateTime.SpecifyKind(time, DateTimeKind.Utc));

    /// <summary>Logs the job's line (a skipped audit as a warning: the night's audit did not run) and returns it for the dashboard.</summary>
    private string Log(string line)
    {
        var level = line.StartsWith("skipped", StringComparison.Ordinal) ? LogLevel.Warning : LogLevel.Information;
        if (log.IsEnabled(level))
        {
            log.Log(level, "{Line}", line);
        }

        return line;
    }
}
