using System.CommandLine;
using System.Globalization;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Probing;
using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Hosting;
using ExchangeSmtpFleet.Simulator;
using ExchangeSmtpFleet.Smtp.Fleet;
using ExchangeSmtpFleet.Smtp.Probing;
using Microsoft.Extensions.DependencyInjection;

namespace ExchangeSmtpFleet.Cli;

/// <summary>
/// <c>esfleet scan</c>: probe and classify a fleet; JSON Lines as results arrive, a summary per verdict at the end.
/// <c>esfleet audit</c>: the same, always stored, then the run's workbook written and, with <c>--email</c>, mailed.
/// </summary>
internal static class ScanCommand
{
    public static Command Create(CliContext context) => Build(context, audit: false);

    public static Command CreateAudit(CliContext context) => Build(context, audit: true);

    private static Command Build(CliContext context, bool audit)
    {
        var name = audit ? "esfleet audit" : "esfleet scan";
        var inventory = new Option<FileInfo>("--inventory", "-i") { Description = "The inventory CSV.", Required = true };
        var json = new Option<string?>("--json") { Description = "Write one JSON object per host to this file as results arrive ('-' for standard output)." };
        var concurrency = NumberOptions.Integer(
            "--concurrency", $"Most hosts probed at the same time (1-{ScanSettings.MaxConcurrency}). Default {new ScanSettings().Concurrency}.", 1, ScanSettings.MaxConcurrency, "-c");
        var simulate = new Option<FileInfo?>("--simulate")
        {
            Description = "Start this simulated fleet (see samples/lab-fleet.json) on loopback for the duration of the scan: a demo without another terminal.",
        };
        var noStore = new Option<bool>("--no-store") { Description = "Do not store the run in the database." };
        var reportDirectory = new Option<DirectoryInfo?>("--out") { Description = "The folder of the report (default: reports in ESF_DATA_DIR, ./data)." };
        var lang = ReportPublisher.LanguageOption();
        var email = new Option<bool>("--email") { Description = "Mail the report as configured in Mail:*." };
        var db = new StoreOptions();
        var probeOptions = new ProbeCliOptions();
        var command = audit
            ? new Command("audit", "The whole audit in the foreground: probe and classify every host of an inventory, store the run, write its Excel report (and mail it with --email). Exit 0 when every host is healthy, 1 when any is not, 2 on an error.")
            {
                inventory, json, concurrency, simulate, reportDirectory, lang, email,
            }
            : new Command("scan", "Probe and classify every host of an inventory and store the run. Exit 0 when every host is healthy, 1 when any is not, 2 on an error.")
            {
                inventory, json, concurrency, simulate, noStore,
            };
        db.AddTo(command);
        probeOptions.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var overrides = db.Overrides(parse);
            probeOptions.AddOverrides(parse, overrides);
            if (parse.GetValue(concurrency) is { } given)
            {
                overrides[$"{ScanSettings.Section}:{nameof(ScanSettings.Concurrency)}"] = given.ToString(CultureInfo.InvariantCulture);
            }

            if (audit)
            {
                ReportPublisher.AddLanguageOverride(parse, lang, overrides);
            }

            using var host = context.BuildHost(overrides);
            var service = host.Services.GetRequiredService<AuditService>();
            var scan = host.Services.GetRequiredService<ScanSettings>();

            var path = parse.GetValue(inventory)!.FullName;
            var read = service.ReadInventory(path);
            if (!read.IsUsable)
            {
                await error.WriteLineAsync(TranscriptText.ForTerminal($"{name}: {path}: unusable inventory: {read.FatalError}")).ConfigureAwait(false);
                return ExitCodes.Error;
            }

            foreach (var problem in read.Problems)
            {
                await error.WriteLineAsync(TranscriptText.ForTerminal($"{name}: {path}: {problem} (row skipped)")).ConfigureAwait(false);
            }

            if (read.Hosts.IsEmpty)
            {
                await error.WriteLineAsync(TranscriptText.ForTerminal(
                    $"{name}: {path}: no host to audit ({read.Problems.Length} bad rows, {read.DisabledCount} disabled)")).ConfigureAwait(false);
                return ExitCodes.Error;
            }

            var jsonTarget = parse.GetValue(json);
            if (JsonTargetProblem(jsonTarget, path) is { } jsonProblem)
            {
                await error.WriteLineAsync(TranscriptText.ForTerminal($"{name}: {jsonProblem}")).ConfigureAwait(false);
                return ExitCodes.Error;
            }

            SmtpSimulator? simulator = null;
            if (parse.GetValue(simulate) is { } fleetFile)
            {
                try
                {
                    simulator = await SmtpSimulator.StartAsync(FleetDefinition.Load(fleetFile.FullName), context.Time).ConfigureAwait(false);
                    await error.WriteLineAsync($"{name}: simulating {simulator.Endpoints.Count} hosts from {fleetFile.FullName}").ConfigureAwait(false);
                }
                catch (FleetDefinitionException e)
                {
                    await error.WriteLineAsync($"{name}: {e.Message}").ConfigureAwait(false);
                    return ExitCodes.Error;
                }
            }

            await using var running = simulator;
            JsonLinesSink? jsonSink;
            try
            {
                jsonSink = jsonTarget switch
                {
                    null => null,
                    "-" => ReferenceEquals(output, Console.Out) ? JsonLinesSink.ToStandardOutput() : JsonLinesSink.ToText(output),
                    _ => JsonLinesSink.ToFile(jsonTarget),
                };
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"{name}: cannot write {jsonTarget}: {e.Message}").ConfigureAwait(false);
                return ExitCodes.Error;
            }

            var concurrencyInUse = FitConcurrency(scan.Concurrency, simulator is null ? 1 : 2, out var capped);
            if (capped is not null)
            {
                await error.WriteLineAsync($"{name}: {capped}").ConfigureAwait(false);
            }

            var store = !audit && parse.GetValue(noStore) ? null : host.Services.GetRequiredService<IAuditStore>();
            var storeSink = store?.CreateSink(read);
            await using var storing = storeSink as IAsyncDisposable;
            using (jsonSink)
            {
                List<IResultSink> sinks = [];
                if (jsonSink is not null)
                {
                    sinks.Add(jsonSink);
                }

                if (storeSink is not null)
                {
                    sinks.Add(storeSink);
                }

                using var bar = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected ? new ProgressBar(error, context.Time) : null;
                AuditResult result;
                try
                {
                    result = await service.RunAsync(
                        new AuditRequest(audit ? "audit" : "scan", path, read, concurrencyInUse), sinks, bar, cancellationToken).ConfigureAwait(false);
                }
                catch (AuditSinkException e)
                {
                    bar?.Finish();
                    await error.WriteLineAsync($"{name}: cannot write the results: {e.Message}").ConfigureAwait(false);
                    return ExitCodes.Error;
                }
                catch (OutOfSocketsException e)
                {
                    bar?.Finish();
                    await error.WriteLineAsync(
                        $"{name}: this machine had no socket to spare for {FleetProber.OutOfSocketsPatience.TotalMinutes:0} minutes ({e.Message}): lower --concurrency or raise ulimit -n").ConfigureAwait(false);
                    return ExitCodes.Error;
                }

                bar?.Finish();
                if (result.Run.Status == AuditRunStatus.Interrupted)
                {
                    await error.WriteLineAsync($"{name}: cancelled after {result.Summary.Total} of {result.Summary.Expected} hosts").ConfigureAwait(false);
                    return ExitCodes.Error;
                }

                // The summary must not mix with JSON Lines on standard output.
                var summary = jsonTarget == "-" ? error : output;
                await WriteSummaryAsync(summary, result).ConfigureAwait(false);
                foreach (var failure in result.SinkFailures)
                {
                    await error.WriteLineAsync($"{name}: the run was not stored: {failure}; every host was probed{(jsonSink is null ? string.Empty : $" and is in {jsonTarget}")}")
                        .ConfigureAwait(false);
                }

                if (store is not null && result.SinkFailures.IsEmpty)
                {
                    await summary.WriteLineAsync($"stored as run {result.Run.RunId} in {store.Description}").ConfigureAwait(false);
                }

                if (!audit)
                {
                    return result.ExitCode;
                }

                if (store is null || !result.SinkFailures.IsEmpty)
                {
                    await error.WriteLineAsync($"{name}: no report: the run was not stored").ConfigureAwait(false);
                    return ExitCodes.Error;
                }

                return await PublishAsync(host, store, result.Run.RunId, parse.GetValue(reportDirectory)?.FullName, parse.GetValue(email), summary, error, name, cancellationToken).ConfigureAwait(false) is var published
                    && published != ExitCodes.Ok ? published : result.ExitCode;
            }
        });
        return command;
    }

    /// <summary>The audit's last step: the run's workbook, its path printed, and with <c>--email</c> the mail.</summary>
    private static async Task<int> PublishAsync(
        Microsoft.Extensions.Hosting.IHost host, IAuditStore store, string runId, string? directory, bool email, TextWriter summary, TextWriter error, string name, CancellationToken cancellationToken)
    {
        var language = ReportPublisher.LanguageOf(host);
        var run = await store.FindRunAsync(runId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"run {runId} was stored but cannot be read back");
        var path = ReportPublisher.PathFor(host, runId, file: null, directory);
        if (!await ReportPublisher.WriteAsync(store, runId, path, language, error, name, cancellationToken).ConfigureAwait(false))
        {
            return ExitCodes.Error;
        }

        await summary.WriteLineAsync($"report: {path}").ConfigureAwait(false);
        return email
            ? await ReportPublisher.MailAsync(host, run, path, language, resend: false, error, name, cancellationToken).ConfigureAwait(false)
            : ExitCodes.Ok;
    }

    /// <summary>
    /// Raises the file-descriptor soft limit and lowers the concurrency to what it allows (issue 7: at concurrency 1024
    /// under a soft limit of 1024 the scan ran out of sockets). A shortage left over is back-pressure in the fleet engine.
    /// </summary>
    private static int FitConcurrency(int requested, int descriptorsPerProbe, out string? message)
    {
        message = null;
        if (FileDescriptors.RaiseSoftLimit() is not { } limit)
        {
            return requested;
        }

        var budget = FileDescriptors.ProbeBudget(limit, FileDescriptors.OpenNow(), descriptorsPerProbe);
        if (budget >= requested)
        {
            return requested;
        }

        message = $"concurrency {requested} needs more file descriptors than this process may open (limit {limit}, ulimit -n): probing {budget} hosts at a time";
        return budget;
    }

    /// <summary>Why the results cannot go to <paramref name="target"/>, before anything is probed or truncated.</summary>
    private static string? JsonTargetProblem(string? target, string inventoryPath)
    {
        if (target is null or "-")
        {
            return null;
        }

        var full = Path.GetFullPath(target);
        if (Directory.Exists(full))
        {
            return $"--json {full}: is a directory; name a file";
        }

        return string.Equals(full, inventoryPath, StringComparison.Ordinal)
            ? $"--json {full}: is the inventory itself; it would be overwritten"
            : null;
    }

    private static async Task WriteSummaryAsync(TextWriter summary, AuditResult result)
    {
        var figures = result.Summary;
        await summary.WriteLineAsync($"{"Verdict",-30} {"Hosts",6}").ConfigureAwait(false);
        foreach (var (verdict, count) in figures.Counts)
        {
            await summary.WriteLineAsync($"{verdict,-30} {count,6}").ConfigureAwait(false);
        }

        var total = figures.Total;
        var seconds = figures.Elapsed.TotalSeconds;
        await summary.WriteLineAsync($"{"Total",-30} {total,6}").ConfigureAwait(false);
        await summary.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{result.Run.RunId}: {total} hosts in {seconds:0.0} s ({total / Math.Max(seconds, 0.001):0.0} hosts/s, concurrency {result.Run.Concurrency}); inventory: {figures.InventoryProblems} bad rows, {figures.Disabled} disabled")).ConfigureAwait(false);
    }
}
