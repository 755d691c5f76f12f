using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Hosting;
using Hangfire;
using Hangfire.Server;
using Microsoft.Extensions.Logging;

namespace ExchangeSmtpFleet.Jobs;

/// <summary>
/// The Hangfire jobs of the nightly audit. Thin on purpose: each passes its job id and the cancellation token to
/// <see cref="AuditPipeline"/>, logs its one line and returns it (the dashboard shows it as the job's result). Renaming
/// this class or a method breaks jobs stored by an older build: add new methods instead.
/// </summary>
/// <remarks>
/// Retries: three, after one, five and fifteen minutes (Hangfire's default is ten spread over days). A batch stopped
/// by a shutdown is handed back at once and probes only what it had not stored.
/// </remarks>
[AutomaticRetry(Attempts = 3, DelaysInSeconds = [60, 300, 900], OnAttemptsExceeded = AttemptsExceededAction.Fail)]
internal sealed class AuditJobs
{
    private readonly AuditPipeline _pipeline;
    private readonly AuditSettings _settings;
    private readonly int _concurrency;
    private readonly ILogger<AuditJobs> _log;

    public AuditJobs(AuditPipeline pipeline, AuditSettings settings, ScanSettings scan, ILogger<AuditJobs> log)
    {
        _pipeline = pipeline;
        _settings = settings;
        _concurrency = settings.ConcurrencyOr(scan.Concurrency);
        _log = log;
    }

    /// <summary>The recurring job <c>nightly-audit</c>: starts a run and queues its batches, or says why it is skipped.</summary>
    [JobDisplayName("Audit: start")]
    public async Task<string> StartAsync(PerformContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var job = context.BackgroundJob;
        var plan = new AuditPlan(
            Path.GetFullPath(_settings.Inventory!), _settings.BatchSize, _concurrency, _settings.Email, TimeSpan.FromHours(_settings.StaleAfterHours));
        var line = await _pipeline.StartAsync(job.Id, Utc(job.CreatedAt), plan, cancellationToken)
            .ConfigureAwait(false);
        return Log(line);
    }

    /// <summary>One batch of a run.</summary>
    [JobDisplayName("Audit {0} batch {2}/{3}")]
    public async Task<string> BatchAsync(string label, string runId, int number, int of, int first, int size, PerformContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var line = await _pipeline.ProbeBatchAsync(new AuditBatch(runId, label, number, of, first, size), context.BackgroundJob.Id, _concurrency, cancellationToken)
            .ConfigureAwait(false);
        return Log(line);
    }

    /// <summary>The report of a run whose batches are done; queues the mail when <c>Audit:Email</c> is on.</summary>
    [JobDisplayName("Audit {0} report")]
    public async Task<string> ReportAsync(string label, string runId, PerformContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Log(await _pipeline.ReportAsync(runId, label, context.BackgroundJob.Id, _settings.Email, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The mail of a run's report.</summary>
    [JobDisplayName("Audit {0} mail")]
    public async Task<string> MailAsync(string label, string runId, PerformContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Log(await _pipeline.MailAsync(runId, context.BackgroundJob.Id, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The run that the start job <paramref name="jobId"/> makes (or made), from the job's creation time in the storage.</summary>
    public static string RunIdOf(JobStorage storage, string jobId)
    {
        ArgumentNullException.ThrowIfNull(storage);
        using var connection = storage.GetConnection();
        return AuditPipeline.RunIdFor(jobId, Utc(connection.GetJobData(jobId).CreatedAt));
    }

    /// <summary>Hangfire keeps times as UTC <see cref="DateTime"/>s of unspecified kind.</summary>
    private static DateTimeOffset Utc(DateTime time) => new(DateTime.SpecifyKind(time, DateTimeKind.Utc));

    /// <summary>Logs the job's line (a skipped audit as a warning: the night's audit did not run) and returns it for the dashboard.</summary>
    private string Log(string line)
    {
        var level = line.StartsWith("skipped", StringComparison.Ordinal) ? LogLevel.Warning : LogLevel.Information;
        if (_log.IsEnabled(level))
        {
            _log.Log(level, "{Line}", line);
        }

        return line;
    }
}
