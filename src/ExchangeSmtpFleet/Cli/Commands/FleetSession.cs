using System.CommandLine;
using System.Globalization;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Inventory;
using ExchangeSmtpFleet.Core.Knowledge;
using ExchangeSmtpFleet.Core.Probing;
using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Hosting;
using ExchangeSmtpFleet.Simulator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary>
/// What <c>scan</c> and <c>audit</c> share when they run the workflow in the foreground: the host, the inventory gate (its
/// bad rows said), the JSON Lines sink, a simulated fleet, the progress bar, the concurrency this machine allows, and the
/// begin / probe / finish steps with what a database that fails does to a foreground run: every host is still probed.
/// </summary>
internal sealed class FleetSession : IAsyncDisposable
{
    private readonly FleetOptions _options;
    private readonly ParseResult _parse;
    private readonly string _name;
    private readonly IHost _host;
    private readonly JsonLinesSink? _json;
    private readonly SmtpSimulator? _simulator;
    private readonly ActionList _actions = new();

    private FleetSession(
        FleetOptions options, ParseResult parse, string name, IHost host, string inventoryPath, InventoryReadResult inventory, JsonLinesSink? json, SmtpSimulator? simulator, int concurrency)
    {
        _options = options;
        _parse = parse;
        _name = name;
        _host = host;
        _json = json;
        _simulator = simulator;
        InventoryPath = inventoryPath;
        Inventory = inventory;
        Concurrency = concurrency;
        Workflow = host.Services.GetRequiredService<AuditWorkflow>();
    }

    public AuditWorkflow Workflow { get; }

    public IServiceProvider Services => _host.Services;

    public string InventoryPath { get; }

    public InventoryReadResult Inventory { get; }

    public int Concurrency { get; }

    /// <summary>Where the summary goes: standard output, unless the JSON Lines go there.</summary>
    public TextWriter Summary => _parse.GetValue(_options.Json) == "-" ? _parse.InvocationConfiguration.Error : _parse.InvocationConfiguration.Output;

    /// <summary>
    /// Builds the host, reads the inventory (its bad rows said, one line each), checks and opens the JSON Lines target and
    /// starts a simulated fleet: everything that can fail before the first probe.
    /// </summary>
    /// <param name="options">The fleet's options.</param>
    /// <param name="parse">The command line.</param>
    /// <param name="context">The command's context.</param>
    /// <param name="name">The command's name for its lines.</param>
    /// <param name="overrides">Settings over the configuration.</param>
    /// <param name="preflight">Checks of the command's own settings, run before anything is read, opened or started.</param>
    /// <exception cref="CommandException">An input cannot be used; the message names it.</exception>
    public static async Task<FleetSession> OpenAsync(
        FleetOptions options, ParseResult parse, CliContext context, string name, IDictionary<string, string?> overrides, Func<IServiceProvider, Task>? preflight = null)
    {
        var error = parse.InvocationConfiguration.Error;
        var host = context.BuildHost(overrides.AsReadOnly());
        SmtpSimulator? simulator = null;
        JsonLinesSink? json = null;
        try
        {
            if (preflight is not null)
            {
                await preflight(host.Services).ConfigureAwait(false);
            }

            var workflow = host.Services.GetRequiredService<AuditWorkflow>();
            var path = parse.GetValue(options.Inventory)!.FullName;
            var inventory = workflow.OpenInventory(path, problem => error.WriteLine(TranscriptText.ForTerminal($"{name}: {path}: {problem} (row skipped)")));

            var jsonTarget = parse.GetValue(options.Json);
            json = OpenJson(jsonTarget, path, parse.InvocationConfiguration.Output);
            if (parse.GetValue(options.Simulate) is { } fleetFile)
            {
                simulator = await SimulateCommand.StartAsync(fleetFile.FullName, context.Time).ConfigureAwait(false);
                await error.WriteLineAsync($"{name}: simulating {Plural.Of(simulator.Endpoints.Count, "host")} from {fleetFile.FullName}").ConfigureAwait(false);
            }

            var concurrency = FitConcurrency(host.Services.GetRequiredService<ScanSettings>().Concurrency, simulator is null ? 1 : 2, out var capped);
            if (capped is not null)
            {
                await error.WriteLineAsync($"{name}: {capped}").ConfigureAwait(false);
            }

            return new FleetSession(options, parse, name, host, path, inventory, json, simulator, concurrency);
        }
        catch
        {
            if (json is not null)
            {
                await json.DisposeAsync().ConfigureAwait(false);
            }

            if (simulator is not null)
            {
                await simulator.DisposeAsync().ConfigureAwait(false);
            }

            host.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Begins the run, in the database when <paramref name="store"/>; a database that cannot be used is said at the end and
    /// the run goes on unstored (every host is still probed and written to the JSON Lines). An audit is refused while
    /// another holds the audit lock.
    /// </summary>
    /// <exception cref="CommandException">Another audit is running.</exception>
    public async Task<ForegroundRun> BeginAsync(RunKind kind, bool store, CancellationToken cancellationToken)
    {
        var request = new RunRequest(kind, InventoryPath, Concurrency) { Inventory = Inventory, Owner = Owner() };
        if (store)
        {
            try
            {
                var start = await Workflow.BeginRunAsync(request, cancellationToken).ConfigureAwait(false);
                return start.Began
                    ? new ForegroundRun(start.RunId, start.StartedAt, Stored: true, StoreFailure: null)
                    : throw new CommandException($"{start.Line}: try again when it has finished");
            }
            catch (StoreException e)
            {
                var unstored = Workflow.NewRun(request, Inventory);
                return new ForegroundRun(unstored.RunId, unstored.StartedAt, Stored: false, e.Message);
            }
        }

        var run = Workflow.NewRun(request, Inventory);
        return new ForegroundRun(run.RunId, run.StartedAt, Stored: false, StoreFailure: null);
    }

    /// <summary>Probes every host of the inventory into the database (when the run is stored), the JSON Lines and the progress bar.</summary>
    public async Task<ProbeReport> ProbeAsync(ForegroundRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (_json is not null)
        {
            _json.RunId = run.RunId;
        }

        var error = _parse.InvocationConfiguration.Error;
        using var bar = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected ? new ProgressBar(error, Services.GetRequiredService<TimeProvider>()) : null;
        var report = await Workflow.ProbeHostsAsync(new ProbeRequest(run.RunId, run.StartedAt, Inventory.Hosts, Concurrency)
        {
            Storage = run.Stored ? RunStorage.DropOnFailure : RunStorage.NotStored,
            Sinks = _json is null ? [_actions] : [_json, _actions],
            Progress = bar,
        }, cancellationToken).ConfigureAwait(false);
        bar?.Finish();
        return report with { Summary = report.Summary with { InventoryProblems = Inventory.Problems.Length, Disabled = Inventory.DisabledCount } };
    }

    /// <summary>
    /// Finishes the run with the probing's status (Failed when its database was dropped, if that can still be told) and
    /// prints the summary and what was not stored.
    /// </summary>
    /// <returns>True when the run is stored whole and finished: it can be reported on.</returns>
    /// <exception cref="CommandException">The run was interrupted, or a sink that stops the run failed, or the probing itself failed.</exception>
    public async Task<bool> FinishAsync(ForegroundRun run, ProbeReport report)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(report);
        var stored = run.Stored && !report.StoreDropped;
        if (run.Stored)
        {
            await TryFinishAsync(run.RunId, stored ? report.Status : AuditRunStatus.Failed).ConfigureAwait(false);
        }

        if (report.Status == AuditRunStatus.Interrupted)
        {
            throw new CommandException($"cancelled after {report.Summary.Total} of {Plural.Of(report.Summary.Expected, "host")}");
        }

        if (report.SinkFailure is not null)
        {
            throw new CommandException($"cannot write the results: {report.SinkFailure}");
        }

        if (report.ProbingFailure is not null)
        {
            throw new CommandException(report.ProbingFailure);
        }

        var figures = report.Summary;
        var seconds = figures.Elapsed.TotalSeconds;
        await RunSummaryRenderer.WriteAsync(Summary, figures.Counts, string.Create(CultureInfo.InvariantCulture,
            $"{run.RunId}: {Plural.Of(figures.Total, "host")} in {seconds:0.0} s ({figures.Total / Math.Max(seconds, 0.001):0.0} hosts/s, concurrency {Concurrency}); inventory: {Plural.Of(figures.InventoryProblems, "bad row")}, {figures.Disabled} disabled"))
            .ConfigureAwait(false);
        var jsonTarget = _parse.GetValue(_options.Json);
        foreach (var failure in run.StoreFailure is null ? report.Dropped : report.Dropped.Insert(0, run.StoreFailure))
        {
            await _parse.InvocationConfiguration.Error.WriteLineAsync(
                $"{_name}: the run was not stored: {failure}; every host was probed{(jsonTarget is null ? string.Empty : $" and is in {jsonTarget}")}").ConfigureAwait(false);
        }

        if (stored)
        {
            await Summary.WriteLineAsync($"stored as run {run.RunId} in {Services.GetRequiredService<IRunWriter>().Description}").ConfigureAwait(false);
        }

        await _actions.WriteAsync(Summary).ConfigureAwait(false);
        return stored;
    }

    public async ValueTask DisposeAsync()
    {
        if (_json is not null)
        {
            await _json.DisposeAsync().ConfigureAwait(false);
        }

        if (_simulator is not null)
        {
            await _simulator.DisposeAsync().ConfigureAwait(false);
        }

        _host.Dispose();
    }

    /// <summary>The owner of a foreground run's steps: this command in this process.</summary>
    public static string Owner() => string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..6]}");

    /// <summary>Finishes the run; a database that is gone (it was dropped) cannot be told, which the summary says.</summary>
    private async Task TryFinishAsync(string runId, AuditRunStatus status)
    {
        try
        {
            await Workflow.FinishRunAsync(runId, status, CancellationToken.None).ConfigureAwait(false);
        }
        catch (StoreException) when (status == AuditRunStatus.Failed)
        {
            // The database was dropped during the run: its failure is said with the summary.
        }
    }

    /// <summary>The JSON Lines sink for <c>--json</c>, opened before anything is probed; null without it.</summary>
    private static JsonLinesSink? OpenJson(string? target, string inventoryPath, TextWriter output)
    {
        switch (target)
        {
            case null:
                return null;
            case "-":
                return ReferenceEquals(output, Console.Out) ? JsonLinesSink.ToStandardOutput() : JsonLinesSink.ToText(output);
        }

        var full = Path.GetFullPath(target);
        if (Directory.Exists(full))
        {
            throw new CommandException($"--json {full}: is a directory; name a file");
        }

        if (string.Equals(full, inventoryPath, StringComparison.Ordinal))
        {
            throw new CommandException($"--json {full}: is the inventory itself; it would be overwritten");
        }

        try
        {
            return JsonLinesSink.ToFile(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandException($"cannot write {target}: {e.Message}", e);
        }
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

        var budget = FileDescriptors.Budget(limit, FileDescriptors.OpenAtScanStart(), descriptorsPerProbe);
        if (budget >= requested)
        {
            return requested;
        }

        message = $"concurrency {requested} needs more file descriptors than this process may open (limit {limit}, ulimit -n): probing {Plural.Of(budget, "host")} at a time";
        return budget;
    }
}
