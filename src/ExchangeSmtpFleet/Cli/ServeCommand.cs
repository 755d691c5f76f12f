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
    public static Command Create(CliContext context)
    {
        var urls = new Option<string?>("--urls") { Description = $"Where the dashboard listens (default {JobHost.DefaultUrls}; loopback only unless you name another address)." };
        var runNow = new Option<bool>("--run-now") { Description = "Trigger nightly-audit once at start, besides its schedule." };
        var db = new StoreOptions();
        var command = new Command("serve", "Run the nightly audit as Hangfire jobs (Audit:Inventory, Audit:Cron, Audit:TimeZone, ...) with the dashboard at /hangfire. Runs until Ctrl+C or SIGTERM; a batch that is running then is handed back and nothing is lost.")
        {
            urls, runNow,
        };
        db.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var listen = parse.GetValue(urls) ?? JobHost.DefaultUrls;
            var app = JobHost.Build(context.Time, db.Overrides(parse), context.SettingsFile, listen, (c, d, t) => JobServices.CreateStorage(c, d, t), needInventory: true, logJobs: true);
            await using (app.ConfigureAwait(false))
            {
                JobHost.RegisterNightlyAudit(app.Services);
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
                var settings = app.Services.GetRequiredService<AuditSettings>();
                var storage = app.Services.GetRequiredService<JobStorage>();
                await output.WriteLineAsync($"esfleet serve: dashboard {string.Join(", ", app.Urls.Select(u => $"{u.TrimEnd('/')}/hangfire"))} (local requests only)").ConfigureAwait(false);
                await output.WriteLineAsync($"esfleet serve: {AuditSettings.RecurringJobId} runs at '{settings.Cron}' ({settings.TimeZone}) on {Path.GetFullPath(settings.Inventory!)}, batches of {settings.BatchSize}, {settings.Workers} at a time").ConfigureAwait(false);
                await output.WriteLineAsync($"esfleet serve: jobs stored in {(JobServices.IsEmbedded(storage) ? "the embedded SQLite storage (this process only)" : "SQL Server (shared by every server)")}; Ctrl+C stops").ConfigureAwait(false);
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

                await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync("esfleet serve: stopping; running batches are handed back").ConfigureAwait(false);
                await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
                return ExitCodes.Ok;
            }
        });
        return command;
    }
}
