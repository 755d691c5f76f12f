using System.CommandLine;
using System.Globalization;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Inventory;
using ExchangeSmtpFleet.Core.Profiles;
using ExchangeSmtpFleet.Infrastructure.Inventory;
using ExchangeSmtpFleet.Simulator;
using ExchangeSmtpFleet.Smtp.Fleet;
using ExchangeSmtpFleet.Smtp.Probing;

namespace ExchangeSmtpFleet.Cli;

/// <summary><c>esfleet scan</c>: probe and classify a fleet; JSON Lines as results arrive, a summary per verdict at the end.</summary>
internal static class ScanCommand
{
    public static Command Create(TimeProvider time)
    {
        var inventory = new Option<FileInfo>("--inventory", "-i") { Description = "The inventory CSV.", Required = true };
        var json = new Option<string?>("--json") { Description = "Write one JSON object per host to this file as results arrive ('-' for standard output)." };
        var concurrency = new Option<int>("--concurrency", "-c")
        {
            Description = $"Most hosts probed at the same time (1-4096). Default {FleetProber.DefaultConcurrency}.",
            DefaultValueFactory = _ => FleetProber.DefaultConcurrency,
            Validators = { r => { if (r.GetValueOrDefault<int>() is < 1 or > 4096) { r.AddError("--concurrency must be 1-4096"); } } },
        };
        var simulate = new Option<FileInfo?>("--simulate")
        {
            Description = "Start this simulated fleet (see samples/lab-fleet.json) on loopback for the duration of the scan: a demo without another terminal.",
        };
        var probeOptions = new ProbeCliOptions();
        var command = new Command("scan", "Probe and classify every host of an inventory. Exit 0 when every host is healthy, 1 when any is not, 2 on an error.")
        {
            inventory, json, concurrency, simulate,
        };
        probeOptions.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            if (probeOptions.TryGetProbeOptions(parse, error, "scan") is not { } options)
            {
                return ExitCodes.Error;
            }

            var path = parse.GetValue(inventory)!.FullName;
            var read = new CsvInventoryReader(ProfileCatalog.BuiltIn).ReadFile(path);
            if (!read.IsUsable)
            {
                await error.WriteLineAsync($"esfleet scan: {path}: unusable inventory: {read.FatalError}").ConfigureAwait(false);
                return ExitCodes.Error;
            }

            foreach (var problem in read.Problems)
            {
                await error.WriteLineAsync($"esfleet scan: {path}: {problem} (row skipped)").ConfigureAwait(false);
            }

            SmtpSimulator? simulator = null;
            if (parse.GetValue(simulate) is { } fleetFile)
            {
                try
                {
                    simulator = await SmtpSimulator.StartAsync(FleetDefinition.Load(fleetFile.FullName), time).ConfigureAwait(false);
                    await error.WriteLineAsync($"esfleet scan: simulating {simulator.Endpoints.Count} hosts from {fleetFile.FullName}").ConfigureAwait(false);
                }
                catch (FleetDefinitionException e)
                {
                    await error.WriteLineAsync($"esfleet scan: {e.Message}").ConfigureAwait(false);
                    return ExitCodes.Error;
                }
            }

            await using var running = simulator;
            var jsonTarget = parse.GetValue(json);
            JsonLinesWriter? jsonWriter;
            try
            {
                jsonWriter = jsonTarget switch
                {
                    null => null,
                    "-" => JsonLinesWriter.ToText(output),
                    _ => JsonLinesWriter.ToFile(jsonTarget),
                };
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"esfleet scan: cannot write {jsonTarget}: {e.Message}").ConfigureAwait(false);
                return ExitCodes.Error;
            }

            using (jsonWriter)
            {
                // The summary must not mix with JSON Lines on standard output.
                var summaryWriter = jsonTarget == "-" ? error : output;
                return await RunAsync(read, options, parse.GetValue(concurrency), jsonWriter, summaryWriter, error, time, cancellationToken).ConfigureAwait(false);
            }
        });
        return command;
    }

    private static async Task<int> RunAsync(
        InventoryReadResult inventory, ProbeOptions options, int concurrency, JsonLinesWriter? json, TextWriter summary, TextWriter error,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var runId = string.Create(CultureInfo.InvariantCulture, $"scan-{time.GetUtcNow():yyyyMMdd'T'HHmmss'Z'}-{Guid.NewGuid().ToString("N")[..6]}");
        var counts = Enum.GetValues<Verdict>().ToDictionary(v => v, _ => 0);
        using var bar = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected ? new ProgressBar(error, time) : null;
        var prober = new FleetProber(new SmtpProber(options, time), new Classifier(ProfileCatalog.BuiltIn), time);
        var start = time.GetTimestamp();
        try
        {
            await foreach (var outcome in prober.ProbeAsync(inventory.Hosts, concurrency, bar, cancellationToken).ConfigureAwait(false))
            {
                counts[outcome.Classification.Verdict]++;
                if (json is not null)
                {
                    if (json.MayBlock)
                    {
                        // This loop may run on the thread that finished the probe; a pipe whose reader stops
                        // (| less) would stall every probe on it. Off to the thread pool before writing there.
                        await Task.Yield();
                    }

                    json.Write(outcome, runId);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            bar?.Finish();
            await error.WriteLineAsync($"esfleet scan: cancelled after {counts.Values.Sum()} of {inventory.Hosts.Length} hosts").ConfigureAwait(false);
            return ExitCodes.Error;
        }

        bar?.Finish();
        var elapsed = time.GetElapsedTime(start);
        await summary.WriteLineAsync($"{"Verdict",-30} {"Hosts",6}").ConfigureAwait(false);
        foreach (var (verdict, count) in counts)
        {
            await summary.WriteLineAsync($"{verdict,-30} {count,6}").ConfigureAwait(false);
        }

        var total = counts.Values.Sum();
        await summary.WriteLineAsync($"{"Total",-30} {total,6}").ConfigureAwait(false);
        await summary.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{runId}: {total} hosts in {elapsed.TotalSeconds:0.0} s ({total / Math.Max(elapsed.TotalSeconds, 0.001):0.0} hosts/s, concurrency {concurrency}); inventory: {inventory.Problems.Length} bad rows, {inventory.DisabledCount} disabled")).ConfigureAwait(false);
        return counts[Verdict.Healthy] == total && inventory.Problems.IsEmpty ? ExitCodes.Ok : ExitCodes.Findings;
    }
}
