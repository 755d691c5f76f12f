using System.CommandLine;
using System.Globalization;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Knowledge;
using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Hosting;
using ExchangeSmtpFleet.Infrastructure.Publishing;
using ExchangeSmtpFleet.Jobs;
using ExchangeSmtpFleet.Simulator;
using Hangfire;
using Hangfire.States;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ExchangeSmtpFleet.Cli;

/// <summary>
/// <c>esfleet demo</c>: the simulated lab fleet of <c>samples/</c> on loopback, one audit through the job pipeline (a
/// Hangfire server in this process on the embedded storage: start, batch jobs, report job), the summary per verdict and
/// the workbook's path. <c>--serve</c> keeps the dashboard open afterwards.
/// </summary>
internal static class DemoCommand
{
    /// <summary>The embedded job storage of demos, apart from the one of <c>serve</c> (one process per SQLite storage).</summary>
    public const string StorageFile = "hangfire-demo.db";

    public static Command Create(CliContext context)
    {
        var inventory = new Option<FileInfo?>("--inventory", "-i") { Description = "The inventory (default samples/inventory-lab.csv)." };
        var fleet = new Option<FileInfo?>("--simulate") { Description = "The simulated fleet (default samples/lab-fleet.json)." };
        var batchSize = NumberOptions.Integer("--batch-size", "Hosts per batch job (default 8: the lab's 31 hosts make 4 batches).", 1, 100_000);
        var concurrency = NumberOptions.Integer("--concurrency", "Most hosts one batch probes at the same time (default Scan:Concurrency).", 1, ScanSettings.MaxConcurrency, "-c");
        var serve = new Option<bool>("--serve") { Description = "Keep the dashboard open afterwards (until Ctrl+C) and print its address." };
        var urls = new Option<string?>("--urls") { Description = $"Where the dashboard listens with --serve (default {JobHost.DefaultUrls})." };
        var email = new Option<bool>("--email") { Description = "Mail the report as configured in Mail:* (a mail job after the report job)." };
        var db = new StoreOptions();
        var probe = new ProbeCliOptions();
        var command = new Command("demo", "Start the simulated lab fleet from samples/, run one audit through the job pipeline (Hangfire, batches, report), print the summary and the report's path. Exit 0 when the audit ran.")
        {
            inventory, fleet, batchSize, concurrency, serve, urls, email,
        };
        db.AddTo(command);
        probe.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var inventoryFile = parse.GetValue(inventory)?.FullName ?? Sample("inventory-lab.csv");
            var fleetFile = parse.GetValue(fleet)?.FullName ?? Sample("lab-fleet.json");
            foreach (var file in new[] { inventoryFile, fleetFile })
            {
                if (!File.Exists(file))
                {
                    await error.WriteLineAsync($"esfleet demo: {file}: file not found (run it from the project folder, or name --inventory and --simulate)").ConfigureAwait(false);
                    return ExitCodes.Error;
                }
            }

            var overrides = db.Overrides(parse);
            // The lab's slow hosts answer within seconds: a 5 s time-out keeps the demo short unless --timeout says otherwise.
            overrides["Probe:GreetingTimeoutSeconds"] = "5";
            overrides["Probe:ReplyTimeoutSeconds"] = "5";
            probe.AddOverrides(parse, overrides);
            overrides[$"{AuditSettings.Section}:{nameof(AuditSettings.Inventory)}"] = inventoryFile;
            overrides[$"{AuditSettings.Section}:{nameof(AuditSettings.BatchSize)}"] = (parse.GetValue(batchSize) ?? 8).ToString(CultureInfo.InvariantCulture);
            overrides[$"{AuditSettings.Section}:{nameof(AuditSettings.Email)}"] = parse.GetValue(email) ? "true" : "false";
            if (parse.GetValue(concurrency) is { } given)
            {
                overrides[$"{AuditSettings.Section}:{nameof(AuditSettings.Concurrency)}"] = given.ToString(CultureInfo.InvariantCulture);
            }

            SmtpSimulator simulator;
            try
            {
                simulator = await SmtpSimulator.StartAsync(FleetDefinition.Load(fleetFile), context.Time).ConfigureAwait(false);
            }
            catch (FleetDefinitionException e)
            {
                await error.WriteLineAsync($"esfleet demo: {e.Message}").ConfigureAwait(false);
                return ExitCodes.Error;
            }

            await using (simulator.ConfigureAwait(false))
            {
                var keepOpen = parse.GetValue(serve);
                var app = JobHost.Build(
                    context.Time, overrides, context.SettingsFile, keepOpen ? parse.GetValue(urls) ?? JobHost.DefaultUrls : "http://127.0.0.1:0",
                    (c, d, t) => JobServices.CreateStorage(c, d, t, StorageFile, pollInterval: TimeSpan.FromMilliseconds(200)), needInventory: true);
                await using (app.ConfigureAwait(false))
                {
                    if (!await JobHost.TryStartAsync(app, error, "esfleet demo", keepOpen ? parse.GetValue(urls) ?? JobHost.DefaultUrls : "127.0.0.1", cancellationToken).ConfigureAwait(false))
                    {
                        return ExitCodes.Error;
                    }

                    if ((await JobHost.ResumeAsync(app.Services, cancellationToken).ConfigureAwait(false)).Count > 0)
                    {
                        // A demo stopped halfway left a run: it is finished first, or this audit would be skipped as a second one.
                        await error.WriteLineAsync("esfleet demo: finishing the run of an earlier demo that was stopped halfway").ConfigureAwait(false);
                        var ledger = app.Services.GetRequiredService<IRunLedger>();
                        while ((await ledger.UnfinishedPipelineRunsAsync(cancellationToken).ConfigureAwait(false)).Count > 0)
                        {
                            await Task.Delay(TimeSpan.FromMilliseconds(200), context.Time, cancellationToken).ConfigureAwait(false);
                        }
                    }
                    await output.WriteLineAsync($"esfleet demo: {simulator.Endpoints.Count} simulated mail servers listen on loopback ({Path.GetFileName(fleetFile)}): Exchange 2003 healthy and broken, other servers, hostile ones").ConfigureAwait(false);
                    await output.WriteLineAsync($"esfleet demo: auditing {Path.GetFileName(inventoryFile)} through the job pipeline: a start job, one job per batch of {app.Services.GetRequiredService<AuditSettings>().BatchSize} hosts, a report job{(parse.GetValue(email) ? ", a mail job" : string.Empty)}").ConfigureAwait(false);
                    var code = await RunAuditAsync(app, output, error, parse.GetValue(email), cancellationToken).ConfigureAwait(false);
                    if (code != ExitCodes.Ok || !keepOpen)
                    {
                        if (code == ExitCodes.Ok)
                        {
                            await output.WriteLineAsync($"the jobs and the run on the dashboard: esfleet demo --serve (then {JobHost.DefaultUrls}/hangfire)").ConfigureAwait(false);
                        }

                        await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
                        return code;
                    }

                    var address = app.Urls.First().TrimEnd('/');
                    await output.WriteLineAsync($"dashboard: {address}/hangfire (jobs) and {address}/hangfire{AuditDashboard.PagePath} (the run); Ctrl+C stops").ConfigureAwait(false);
                    await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
                    await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
                    return ExitCodes.Ok;
                }
            }
        });
        return command;
    }

    /// <summary>Queues the start job and follows the run until its report (and mail) is done or a job failed.</summary>
    private static async Task<int> RunAuditAsync(WebApplication app, TextWriter output, TextWriter error, bool email, CancellationToken cancellationToken)
    {
        var services = app.Services;
        var storage = services.GetRequiredService<JobStorage>();
        var ledger = services.GetRequiredService<IRunLedger>();
        var store = services.GetRequiredService<IAuditStore>();
        var time = services.GetRequiredService<TimeProvider>();
        var started = time.GetTimestamp();
        var failedBefore = storage.GetMonitoringApi().FailedCount();
        var jobId = services.GetRequiredService<IBackgroundJobClient>().Enqueue<AuditJobs>(AuditQueues.Control, j => j.StartAsync(null!, CancellationToken.None));
        string? runId = null;
        PipelineRun? pipelineRun = null;
        var lastLine = string.Empty;
        while (true)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken).ConfigureAwait(false);
            if (storage.GetMonitoringApi().FailedCount() > failedBefore)
            {
                await error.WriteLineAsync($"esfleet demo: a job failed: {FailedJob(storage)}; see the dashboard (esfleet demo --serve) for its retries").ConfigureAwait(false);
                return ExitCodes.Error;
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
                    await error.WriteLineAsync($"esfleet demo: {result}").ConfigureAwait(false);
                    return ExitCodes.Error;
                }

                runId = AuditJobs.RunIdOf(storage, jobId);
                pipelineRun = await ledger.PipelineRunAsync(runId, cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"run {runId} was started but is not stored");
            }

            var steps = await ledger.StepsAsync(runId, cancellationToken).ConfigureAwait(false);
            var line = AuditPipeline.ProgressOf(pipelineRun!, steps);
            if (line != lastLine)
            {
                await error.WriteLineAsync($"  {runId}: {line}").ConfigureAwait(false);
                lastLine = line;
            }

            if (AuditPipeline.IsDone(steps, AuditPipeline.ReportStep) && (!email || AuditPipeline.IsDone(steps, AuditPipeline.MailStep)))
            {
                break;
            }
        }

        var run = await store.FindRunAsync(runId, cancellationToken).ConfigureAwait(false) ?? throw new InvalidOperationException($"run {runId} vanished");
        var language = Language.English;
        await output.WriteLineAsync().ConfigureAwait(false);
        await output.WriteLineAsync($"{"Verdict",-30} {"Hosts",6}   Meaning").ConfigureAwait(false);
        foreach (var (verdict, count) in run.Counts)
        {
            await output.WriteLineAsync($"{verdict,-30} {count,6}   {KnowledgeBase.BuiltIn.VerdictTitle(verdict, language)}").ConfigureAwait(false);
        }

        await output.WriteLineAsync($"{"Total",-30} {run.Results,6}").ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"run {run.RunId} ({run.Status}): {run.Results} of {run.HostCount} hosts in {time.GetElapsedTime(started).TotalSeconds:0.0} s, stored in {store.Description}")).ConfigureAwait(false);
        await output.WriteLineAsync($"report: {services.GetRequiredService<RunPublisher>().PathOf(run.RunId)}").ConfigureAwait(false);
        return ExitCodes.Ok;
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
}
