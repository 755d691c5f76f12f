using System.CommandLine;
using System.Globalization;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Knowledge;
using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Hosting;
using ExchangeSmtpFleet.Jobs;
using Hangfire;
using Hangfire.States;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary>
/// <c>esfleet demo</c>: the simulated lab fleet of <c>samples/</c> on loopback, one audit through the nightly jobs in this
/// process (a Hangfire server on an embedded storage of its own: start, batch jobs, report job), the summary per verdict
/// and the workbook's path. <c>--serve</c> keeps the dashboard open afterwards.
/// </summary>
internal sealed class DemoCommand(DemoCommandDefinition definition, ParseResult parse, CliContext context)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    public async Task<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        var inventoryFile = parse.GetValue(definition.Inventory)?.FullName ?? Sample("inventory-lab.csv");
        var fleetFile = parse.GetValue(definition.Fleet)?.FullName ?? Sample("lab-fleet.json");
        foreach (var file in new[] { inventoryFile, fleetFile })
        {
            if (!File.Exists(file))
            {
                throw new CommandException($"{file}: file not found (run it from the project folder, or name --inventory and --simulate)");
            }
        }

        var email = parse.GetValue(definition.Email);
        await using var simulator = await SimulateCommand.StartAsync(fleetFile, context.Time).ConfigureAwait(false);
        var keepOpen = parse.GetValue(definition.Serve);
        var urls = keepOpen ? parse.GetValue(definition.Urls) ?? JobHost.DefaultUrls : "http://127.0.0.1:0";
        var app = JobHost.Build(
            context.Time, Overrides(inventoryFile, email), context.SettingsFile, urls,
            (c, d, t) => JobServices.CreateStorage(c, d, t, JobServices.DemoStorageFile, pollInterval: Poll), JobHostRole.Demo);
        await using (app.ConfigureAwait(false))
        {
            // A nightly-audit left by an earlier demo --serve must not fire while this demo audits (it would skip this one).
            app.Services.GetRequiredService<IRecurringJobManager>().RemoveIfExists(AuditSettings.RecurringJobId);
            await JobHost.StartAsync(app, JobHostRole.Demo, urls, cancellationToken).ConfigureAwait(false);

            await FinishEarlierDemoAsync(app.Services, error, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"esfleet demo: {Plural.Of(simulator.Endpoints.Count, "simulated mail server listens", "simulated mail servers listen")} on loopback ({Path.GetFileName(fleetFile)}): Exchange 2003 healthy and broken, other servers, hostile ones").ConfigureAwait(false);
            await output.WriteLineAsync($"esfleet demo: auditing {Path.GetFileName(inventoryFile)} through the job pipeline: a start job, one job per batch of {Plural.Of(app.Services.GetRequiredService<AuditSettings>().BatchSize, "host")}, a report job{(email ? ", a mail job" : string.Empty)}").ConfigureAwait(false);
            await RunAuditAsync(app.Services, output, error, email, cancellationToken).ConfigureAwait(false);
            if (!keepOpen)
            {
                await output.WriteLineAsync($"the jobs and the run on the dashboard: esfleet demo --serve (then {JobHost.DefaultUrls}/hangfire)").ConfigureAwait(false);
                await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            // With the dashboard open, the recurring job is there as under serve, so "Run the audit now" and the Recurring
            // Jobs page work on the lab fleet; the next demo removes it before it starts.
            JobHost.RegisterNightlyAudit(app.Services);
            var audit = app.Services.GetRequiredService<AuditSettings>();
            await output.WriteLineAsync($"esfleet demo: {AuditSettings.RecurringJobId} registered on the demo's job storage ('{audit.Cron}', {audit.TimeZone}): \"Run the audit now\" on the Audit page audits the lab fleet again").ConfigureAwait(false);
            var address = app.Urls.First().TrimEnd('/');
            await output.WriteLineAsync($"dashboard: {address}/hangfire (jobs) and {address}/hangfire{AuditDashboard.PagePath} (the run); Ctrl+C stops").ConfigureAwait(false);
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            return ExitCodes.Ok;
        }
    }

    /// <summary>A demo stopped halfway left a run: it is finished first, or this audit would be skipped as a second one.</summary>
    private static async Task FinishEarlierDemoAsync(IServiceProvider services, TextWriter error, CancellationToken cancellationToken)
    {
        if ((await JobHost.ResumeAsync(services, cancellationToken).ConfigureAwait(false)).Count == 0)
        {
            return;
        }

        await error.WriteLineAsync("esfleet demo: finishing the run of an earlier demo that was stopped halfway").ConfigureAwait(false);
        var ledger = services.GetRequiredService<IJobLedger>();
        var time = services.GetRequiredService<TimeProvider>();
        while ((await ledger.UnfinishedPipelineRunsAsync(cancellationToken).ConfigureAwait(false)).Count > 0)
        {
            await Task.Delay(Poll, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Queues the start job and follows the run until its report (and mail) is done or a job failed; then the summary.</summary>
    private static async Task RunAuditAsync(IServiceProvider services, TextWriter output, TextWriter error, bool email, CancellationToken cancellationToken)
    {
        var storage = services.GetRequiredService<JobStorage>();
        var ledger = services.GetRequiredService<IJobLedger>();
        var workflow = services.GetRequiredService<AuditWorkflow>();
        var time = services.GetRequiredService<TimeProvider>();
        var started = time.GetTimestamp();
        var client = services.GetRequiredService<IBackgroundJobClient>();
        var failedBefore = storage.GetMonitoringApi().FailedCount();
        var jobId = client.Enqueue<AuditJobs>(AuditQueues.Control, j => j.StartAsync(null!, CancellationToken.None));
        string? runId = null;
        PipelineRun? pipelineRun = null;
        var lastLine = string.Empty;
        while (true)
        {
            await Task.Delay(Poll, time, cancellationToken).ConfigureAwait(false);
            if (storage.GetMonitoringApi().FailedCount() > failedBefore)
            {
                throw new CommandException($"a job failed: {FailedJob(storage)}; see the dashboard (esfleet demo --serve)");
            }

            // A step that failed once is said at once, not after Hangfire's retries (1, 5 and 15 minutes) with only its
            // warnings in between (issue 18, item 13). Its retry is deleted, so that it does not fire in a later demo.
            if (RetriedJob(storage) is { } retried)
            {
                client.Delete(retried.Id);
                throw new CommandException($"the {retried.Step} failed: {retried.Reason.TrimEnd('.')}; the demo stops here (the job is not retried)");
            }

            if (runId is null)
            {
                using var connection = storage.GetConnection();
                var state = connection.GetStateData(jobId);
                if (state?.Name != SucceededState.StateName)
                {
                    continue;
                }

                var result = state.Data.TryGetValue("Result", out var text) ? text?.Trim('"') : null;
                if (result?.StartsWith("skipped", StringComparison.Ordinal) == true)
                {
                    throw new CommandException(result);
                }

                runId = AuditJobs.RunIdOf(storage, jobId);
                pipelineRun = await ledger.PipelineRunAsync(runId, cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"run {runId} was started but is not stored");
            }

            var steps = await ledger.StepsAsync(runId, cancellationToken).ConfigureAwait(false);
            var line = AuditWorkflow.ProgressOf(pipelineRun!, steps);
            if (line != lastLine)
            {
                await error.WriteLineAsync($"  {runId}: {line}").ConfigureAwait(false);
                lastLine = line;
            }

            if (AuditWorkflow.IsDone(steps, RunSteps.Report) && (!email || AuditWorkflow.IsDone(steps, RunSteps.Mail)))
            {
                break;
            }

            // Mail:When may decide against mailing: the mail job then succeeds without completing the step (a person may
            // still send it), so its own result is what ends the wait.
            if (email && AuditWorkflow.IsDone(steps, RunSteps.Report) && MailJobResult(storage, runId) is { } declined)
            {
                await error.WriteLineAsync($"esfleet demo: {declined}").ConfigureAwait(false);
                break;
            }
        }

        var history = services.GetRequiredService<IAuditHistory>();
        var run = await history.FindRunAsync(runId, cancellationToken).ConfigureAwait(false) ?? throw new InvalidOperationException($"run {runId} vanished");
        await output.WriteLineAsync().ConfigureAwait(false);
        await RunSummaryRenderer.WriteAsync(output, run.Counts, string.Create(CultureInfo.InvariantCulture,
            $"run {run.RunId} ({run.Status}): {run.Results} of {Plural.Of(run.HostCount, "host")} in {time.GetElapsedTime(started).TotalSeconds:0.0} s, stored in {history.Description}")).ConfigureAwait(false);
        await output.WriteLineAsync($"report: {workflow.ReportPathOf(run.RunId)}").ConfigureAwait(false);
    }

    /// <summary>A job of this demo waiting for its retry after a failure, with its step and the failure, or null.</summary>
    private static (string Id, string Step, string Reason)? RetriedJob(JobStorage storage)
    {
        // The demo's storage schedules nothing else: the recurring audit is removed before the demo starts.
        var monitoring = storage.GetMonitoringApi();
        if (monitoring.ScheduledCount() == 0)
        {
            return null;
        }

        using var connection = storage.GetConnection();
        foreach (var (id, job) in monitoring.ScheduledJobs(0, 10))
        {
            // AutomaticRetry's reason: "Retry attempt 1 of 3: <the exception's message>".
            if (connection.GetStateData(id) is { Reason: { } reason } && reason.StartsWith("Retry attempt", StringComparison.Ordinal))
            {
                var step = job.Job?.Method.Name switch
                {
                    nameof(AuditJobs.StartAsync) => "start job",
                    nameof(AuditJobs.BatchAsync) => string.Create(CultureInfo.InvariantCulture, $"batch job {job.Job.Args[2]} of {job.Job.Args[3]}"),
                    nameof(AuditJobs.ReportAsync) => "report job",
                    nameof(AuditJobs.MailAsync) => "mail job",
                    _ => $"job {id}",
                };
                // The whole message is in the failed state the retry went through; the reason cuts it at 50 characters.
                var failed = monitoring.JobDetails(id)?.History.FirstOrDefault(h => h.StateName == FailedState.StateName);
                return (id, step, failed?.Data.TryGetValue("ExceptionMessage", out var message) == true && !string.IsNullOrEmpty(message)
                    ? message
                    : reason[(reason.IndexOf(": ", StringComparison.Ordinal) is var colon and >= 0 ? colon + 2 : 0)..]);
            }
        }

        return null;
    }

    /// <summary>The result of the run's mail job once it has succeeded, or null.</summary>
    private static string? MailJobResult(JobStorage storage, string runId)
    {
        foreach (var (_, job) in storage.GetMonitoringApi().SucceededJobs(0, 50))
        {
            if (job?.Job?.Method.Name == nameof(AuditJobs.MailAsync) && job.Job.Args.Count > 1 && Equals(job.Job.Args[1], runId))
            {
                return job.Result is string text ? text.Trim('"') : job.Result?.ToString()?.Trim('"') ?? "mail job done";
            }
        }

        return null;
    }

    private static string FailedJob(JobStorage storage)
    {
        var failed = storage.GetMonitoringApi().FailedJobs(0, 1).FirstOrDefault();
        return failed.Value is null ? "(unknown)" : $"{failed.Value.Job?.Method.Name} {failed.Value.ExceptionMessage}";
    }

    /// <summary>A file of <c>samples/</c>: in the current folder, else beside the executable's project (dotnet run from elsewhere).</summary>
    private static string Sample(string name)
    {
        var here = Path.GetFullPath(Path.Combine("samples", name));
        if (File.Exists(here))
        {
            return here;
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "samples", name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return here;
    }

    /// <summary>The demo's settings over the configuration: its inventory and batches, short time-outs for the lab, the command line's options.</summary>
    private Dictionary<string, string?> Overrides(string inventoryFile, bool email)
    {
        var overrides = definition.Store.Overrides(parse);

        // The lab's slow hosts answer within seconds: a 5 s time-out keeps the demo short unless --timeout says otherwise.
        overrides["Probe:GreetingTimeoutSeconds"] = "5";
        overrides["Probe:ReplyTimeoutSeconds"] = "5";
        definition.Probe.AddOverrides(parse, overrides);
        overrides[$"{AuditSettings.Section}:{nameof(AuditSettings.Inventory)}"] = inventoryFile;
        overrides[$"{AuditSettings.Section}:{nameof(AuditSettings.BatchSize)}"] = (parse.GetValue(definition.BatchSize) ?? 8).ToString(CultureInfo.InvariantCulture);
        overrides[$"{AuditSettings.Section}:{nameof(AuditSettings.Email)}"] = email ? "true" : "false";
        if (parse.GetValue(definition.Concurrency) is { } given)
        {
            overrides[$"{AuditSettings.Section}:{nameof(AuditSettings.Concurrency)}"] = given.ToString(CultureInfo.InvariantCulture);
        }

        return overrides;
    }
}
