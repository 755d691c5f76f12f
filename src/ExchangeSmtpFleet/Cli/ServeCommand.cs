using System.CommandLine;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Hosting;
using ExchangeSmtpFleet.Jobs;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ExchangeSmtpFleet.Cli;

/// <summary>
/// <c>esfleet serve</c>: the Hangfire server that runs the nightly audit (<c>nightly-audit</c>, registered from Audit:* at
/// every start), and the dashboard at <c>/hangfire</c> for local requests, until Ctrl+C or SIGTERM.
/// </summary>
internal static class ServeCommand
{
    private const string WorkerNeedsSqlServer =
        "--worker: the embedded job storage is for one process only (a second one would run jobs twice): set Database:Provider to sqlserver, which workers share";

    public static Command Create(CliContext context)
    {
        var urls = new Option<string?>("--urls") { Description = $"Where the dashboard listens (default {JobHost.DefaultUrls}; loopback only unless you name another address)." };
        var runNow = new Option<bool>("--run-now") { Description = "Trigger nightly-audit once at start, besides its schedule." };
        var worker = new Option<bool>("--worker")
        {
            Description = "Only take batches of audits, no dashboard and no schedule (/health stays on --urls): a further machine sharing the SQL Server job storage.",
        };
        var db = new StoreOptions();
        var command = new Command("serve", "Run the nightly audit as Hangfire jobs (Audit:Inventory, Audit:Cron, Audit:TimeZone, ...) with the dashboard at /hangfire. Runs until Ctrl+C or SIGTERM; a batch that is running then is handed back and nothing is lost.")
        {
            urls, runNow, worker,
        };
        db.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var listen = parse.GetValue(urls) ?? JobHost.DefaultUrls;
            var isWorker = parse.GetValue(worker);
            // A worker refuses the embedded storage before it is made: refusing must not leave its job file behind.
            var app = JobHost.Build(
                context.Time, db.Overrides(parse), context.SettingsFile, listen,
                (c, d, t) => isWorker && !d.IsSqlServer
                    ? throw new ConfigurationProblemException(WorkerNeedsSqlServer)
                    : JobServices.CreateStorage(c, d, t),
                needInventory: !isWorker, logJobs: true, dashboard: !isWorker);
            await using (app.ConfigureAwait(false))
            {
                if (!isWorker)
                {
                    JobHost.RegisterNightlyAudit(app.Services);
                }

                if (!await JobHost.TryStartAsync(app, parse.InvocationConfiguration.Error, isWorker ? "esfleet serve --worker" : "esfleet serve", listen, cancellationToken).ConfigureAwait(false))
                {
                    return ExitCodes.Error;
                }

                var settings = app.Services.GetRequiredService<AuditSettings>();
                var addresses = app.Urls.Select(u => u.TrimEnd('/')).ToList();
                if (isWorker)
                {
                    await output.WriteLineAsync($"esfleet serve --worker: takes batches of audits, {settings.Workers} at a time sharing {settings.ConcurrencyOr(app.Services.GetRequiredService<ScanSettings>().Concurrency)} probes; health at {string.Join(", ", addresses.Select(a => $"{a}/health"))}; Ctrl+C stops").ConfigureAwait(false);
                }
                else
                {
                    var access = app.Services.GetRequiredService<DashboardSettings>().Users.Count == 0
                        ? "local requests only"
                        : "users of Dashboard:Users; from the network over HTTPS only";
                    await output.WriteLineAsync($"esfleet serve: dashboard {string.Join(", ", addresses.Select(a => $"{a}/hangfire"))} ({access}), health at /health").ConfigureAwait(false);
                    if (app.Services.GetRequiredService<DashboardSettings>().Users.Count == 0 && !addresses.All(IsLoopback))
                    {
                        await output.WriteLineAsync("esfleet serve: no Dashboard:Users, so the dashboard refuses requests from other machines (README: Dashboard security)").ConfigureAwait(false);
                    }

                    await output.WriteLineAsync($"esfleet serve: {AuditSettings.RecurringJobId} runs at '{settings.Cron}' ({settings.TimeZone}) on {Path.GetFullPath(settings.Inventory!)}, batches of {settings.BatchSize}, {settings.Workers} at a time").ConfigureAwait(false);
                    await output.WriteLineAsync($"esfleet serve: jobs stored in {(JobServices.IsEmbedded(app.Services.GetRequiredService<JobStorage>()) ? "the embedded SQLite storage (this process only)" : "SQL Server (shared by every server)")}; Ctrl+C stops").ConfigureAwait(false);
                    foreach (var line in await JobHost.ResumeAsync(app.Services, cancellationToken).ConfigureAwait(false))
                    {
                        await output.WriteLineAsync($"esfleet serve: resumed {line}").ConfigureAwait(false);
                    }

                    if (parse.GetValue(runNow))
                    {
                        var id = app.Services.GetRequiredService<IRecurringJobManager>() is IRecurringJobManagerV2 manager
                            ? manager.TriggerJob(AuditSettings.RecurringJobId)
                            : null;
                        await output.WriteLineAsync($"esfleet serve: {AuditSettings.RecurringJobId} triggered (job {id})").ConfigureAwait(false);
                    }
                }

                await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync("esfleet serve: stopping; running batches are handed back").ConfigureAwait(false);
                await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
                return ExitCodes.Ok;
            }
        });
        return command;
    }

    private static bool IsLoopback(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.IsLoopback || (System.Net.IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && System.Net.IPAddress.IsLoopback(address)));
}
