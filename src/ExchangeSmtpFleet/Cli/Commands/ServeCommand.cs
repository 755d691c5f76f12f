using System.CommandLine;
using ExchangeSmtpFleet.Hosting;
using ExchangeSmtpFleet.Jobs;
using Hangfire;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary>
/// <c>esfleet serve</c>: the Hangfire server that runs the nightly audit (<c>nightly-audit</c>, registered from Audit:* at
/// every start) and the dashboard at <c>/hangfire</c>, until Ctrl+C or SIGTERM; with <c>--worker</c> batches only.
/// </summary>
internal sealed class ServeCommand(ServeCommandDefinition definition, ParseResult parse, CliContext context)
{
    private const string WorkerNeedsSqlServer =
        "--worker: the embedded job storage is for one process only (a second one would run jobs twice): set Database:Provider to sqlserver or postgres, which workers share";

    public async Task<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        var listen = parse.GetValue(definition.Urls) ?? JobHost.DefaultUrls;
        var role = parse.GetValue(definition.Worker) ? JobHostRole.Worker : JobHostRole.Serve;

        // A worker refuses the embedded storage before it is made: refusing must not leave its job file behind.
        var app = JobHost.Build(
            context.Time, definition.Store.Overrides(parse), context.SettingsFile, listen,
            (c, d, t) => role == JobHostRole.Worker && !d.IsShared
                ? throw new ConfigurationProblemException(WorkerNeedsSqlServer)
                : JobServices.CreateStorage(c, d, t),
            role);
        await using (app.ConfigureAwait(false))
        {
            await JobHost.StartAsync(app, role, listen, cancellationToken).ConfigureAwait(false);

            await (role == JobHostRole.Worker ? SayWorkerAsync(app) : SayServeAsync(app, cancellationToken)).ConfigureAwait(false);
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            await parse.InvocationConfiguration.Output.WriteLineAsync("esfleet serve: stopping; running batches are handed back").ConfigureAwait(false);
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            return ExitCodes.Ok;
        }
    }

    private static bool IsLoopback(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.IsLoopback || (System.Net.IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && System.Net.IPAddress.IsLoopback(address)));

    private Task SayWorkerAsync(WebApplication app)
    {
        var settings = app.Services.GetRequiredService<AuditSettings>();
        var addresses = app.Urls.Select(u => u.TrimEnd('/'));
        return parse.InvocationConfiguration.Output.WriteLineAsync(
            $"esfleet serve --worker: takes batches of audits, {settings.Workers} at a time sharing {settings.EffectiveConcurrency} probes; health at {string.Join(", ", addresses.Select(a => $"{a}/health"))}; Ctrl+C stops");
    }

    private async Task SayServeAsync(WebApplication app, CancellationToken cancellationToken)
    {
        var output = parse.InvocationConfiguration.Output;
        var settings = app.Services.GetRequiredService<AuditSettings>();
        var addresses = app.Urls.Select(u => u.TrimEnd('/')).ToList();
        var users = app.Services.GetRequiredService<DashboardSettings>().Users.Count;
        var access = users == 0 ? "local requests only" : "users of Dashboard:Users; from the network over HTTPS only";
        await output.WriteLineAsync($"esfleet serve: dashboard {string.Join(", ", addresses.Select(a => $"{a}/hangfire"))} ({access}), health at /health").ConfigureAwait(false);
        if (users == 0 && !addresses.All(IsLoopback))
        {
            await output.WriteLineAsync("esfleet serve: no Dashboard:Users, so the dashboard refuses requests from other machines (README: Dashboard security)").ConfigureAwait(false);
        }

        await output.WriteLineAsync($"esfleet serve: {AuditSettings.RecurringJobId} runs at '{settings.Cron}' ({settings.TimeZone}) on {Path.GetFullPath(settings.Inventory!)}, batches of {settings.BatchSize}, {settings.Workers} at a time").ConfigureAwait(false);
        var shared = app.Services.GetRequiredService<DatabaseSettings>().IsPostgres ? "PostgreSQL" : "SQL Server";
        await output.WriteLineAsync($"esfleet serve: jobs stored in {(JobServices.IsEmbedded(app.Services.GetRequiredService<JobStorage>()) ? "the embedded SQLite storage (this process only)" : $"{shared} (shared by every server)")}; Ctrl+C stops").ConfigureAwait(false);
        foreach (var line in await JobHost.ResumeAsync(app.Services, cancellationToken).ConfigureAwait(false))
        {
            await output.WriteLineAsync($"esfleet serve: resumed {line}").ConfigureAwait(false);
        }

        if (parse.GetValue(definition.RunNow))
        {
            var id = app.Services.GetRequiredService<IRecurringJobManager>() is IRecurringJobManagerV2 manager
                ? manager.TriggerJob(AuditSettings.RecurringJobId)
                : null;
            await output.WriteLineAsync($"esfleet serve: {AuditSettings.RecurringJobId} triggered (job {id})").ConfigureAwait(false);
        }
    }
}
