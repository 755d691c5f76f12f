using System.Diagnostics;
using System.Globalization;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Simulator;

namespace ExchangeSmtpFleet.Benchmarks;

/// <summary>
/// The nightly audit of a simulated fleet through the job pipeline on PostgreSQL (store and Hangfire storage), in batches of
/// 100: first by <c>esfleet serve</c> alone, then by <c>serve</c> and N <c>serve --worker</c> processes, each on a database of
/// its own. Prints the wall time from the run's start to its report (both as the database recorded them), the CPU each
/// process spent from the moment it was ready to the report (its start-up apart), and the CPU of the PostgreSQL server
/// meanwhile (all its processes, from /proc). Every process runs <c>Audit:Workers</c> 2 batches side by side sharing
/// 64 probes; the fleet (in this process) answers after LATENCY ms per reply.
/// </summary>
internal static class ScaleOutBenchmark
{
    private const int FirstOctet = 61;

    public static async Task RunAsync(int hosts, int latencyMs, string postgres, int workers)
    {
        var transcript = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "transcripts", "ex2003-healthy-real.txt"));
        await using var fleet = await SmtpSimulator.StartAsync(FleetDefinition.Generate(hosts, FirstOctet, 2525, transcript, latencyMs), TimeProvider.System);
        var folder = Path.Combine(Path.GetTempPath(), $"esf-bench-scaleout-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var inventory = Path.Combine(folder, "inventory.csv");
        await File.WriteAllTextAsync(inventory, "Host,Port\n" + string.Concat(fleet.Endpoints.Select(e =>
            string.Create(CultureInfo.InvariantCulture, $"{e.EndPoint.Address},{e.EndPoint.Port}\n"))));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"scaleout: {hosts} simulated hosts, {latencyMs} ms per reply, batches of 100, each process 2 batches at a time sharing 64 probes, {Environment.ProcessorCount} cores"));

        foreach (var count in new[] { 0, workers })
        {
            await RunOnceAsync(hosts, postgres, count, inventory, folder);
        }

        Directory.Delete(folder, recursive: true);
    }

    private static async Task RunOnceAsync(int hosts, string postgres, int workers, string inventory, string folder)
    {
        var database = await BenchmarkDatabase.OpenAsync(postgres, null, "scaleout");
        var connection = new Npgsql.NpgsqlConnectionStringBuilder(postgres) { Database = database.Where["PostgreSQL database ".Length..] }.ConnectionString;
        var processes = new List<(string Name, EsfleetProcess Process)>();
        try
        {
            for (var i = 0; i < workers; i++)
            {
                processes.Add(($"worker {i + 1}", EsfleetProcess.Start(Settings(connection, inventory, Path.Combine(folder, $"worker-{i}")), "--worker", "esfleet serve --worker: takes batches")));
            }

            foreach (var (_, worker) in processes)
            {
                await worker.ReadyAsync();
            }

            var serve = EsfleetProcess.Start(Settings(connection, inventory, Path.Combine(folder, "serve")), "--run-now", "triggered");
            processes.Insert(0, ("serve", serve));
            await serve.ReadyAsync();
            var serverBefore = await database.ServerCpuSecondsAsync();
            var store = database.Store;
            string? runId = null;
            while (runId is null || !AuditWorkflow.IsDone(await store.Ledger.StepsAsync(runId, CancellationToken.None), RunSteps.Report))
            {
                await Task.Delay(50);
                runId ??= (await store.History.FindRunAsync("latest", CancellationToken.None))?.RunId;
            }

            var cpu = processes.Select(p => (p.Name, Cpu: p.Process.CpuSinceReady)).ToList();
            var server = await database.ServerCpuSecondsAsync() - serverBefore;
            var run = (await store.History.FindRunAsync(runId, CancellationToken.None))!;
            var report = (await store.Ledger.StepsAsync(runId, CancellationToken.None)).Single(s => s.Step == RunSteps.Report).DoneAt!.Value;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  serve{(workers == 0 ? " alone" : $" + {workers} workers")}: {run.Results} of {hosts} results, start to report {(report - run.StartedAt).TotalSeconds:0.0} s; CPU-s from ready to report: {string.Join(", ", cpu.Select(c => $"{c.Name} {c.Cpu:0.00}"))} (sum {cpu.Sum(c => c.Cpu):0.00}); PostgreSQL {server:0.00}"));
        }
        finally
        {
            foreach (var (_, process) in processes)
            {
                await process.StopAsync();
            }

            await database.DropAsync();
        }
    }

    private static Dictionary<string, string> Settings(string connection, string inventory, string data) => new()
    {
        ["ESF_DATA_DIR"] = data,
        ["ESF_Database__Provider"] = "postgres",
        ["ESF_ConnectionStrings__Fleet"] = connection,
        ["ESF_Probe__StartTls"] = "false",
        ["ESF_Audit__Inventory"] = inventory,
        ["ESF_Audit__BatchSize"] = "100",
        ["ESF_Audit__Concurrency"] = "64",
        ["ESF_Audit__Workers"] = "2",
        ["ESF_Logging__LogLevel__Default"] = "Warning",
        ["ESF_Logging__LogLevel__ExchangeSmtpFleet"] = "Warning",
    };

    /// <summary>An <c>esfleet serve</c> process of this benchmark, its CPU counted from the moment it said it was ready.</summary>
    private sealed class EsfleetProcess
    {
        private readonly TaskCompletionSource<double> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Process _process;
        private readonly string _marker;

        private EsfleetProcess(Process process, string marker)
        {
            _process = process;
            _marker = marker;
        }

        public double CpuSinceReady => ProcessCpu.Of(_process.Id) - (_ready.Task.IsCompletedSuccessfully ? _ready.Task.Result : 0);

        /// <param name="environment">Its settings.</param>
        /// <param name="role">--worker or --run-now.</param>
        /// <param name="marker">What it writes when it is ready.</param>
        public static EsfleetProcess Start(Dictionary<string, string> environment, string role, string marker)
        {
            var start = new ProcessStartInfo("dotnet")
            {
                ArgumentList = { Path.Combine(AppContext.BaseDirectory, "esfleet.dll"), "serve", "--urls", "http://127.0.0.1:0", role },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var (name, value) in environment)
            {
                start.Environment[name] = value;
            }

            var esfleet = new EsfleetProcess(Process.Start(start)!, marker);
            esfleet._process.OutputDataReceived += (_, e) => esfleet.Line(e.Data);
            esfleet._process.ErrorDataReceived += (_, e) => esfleet.Line(e.Data);
            esfleet._process.BeginOutputReadLine();
            esfleet._process.BeginErrorReadLine();
            return esfleet;
        }

        public Task<double> ReadyAsync() => _ready.Task.WaitAsync(TimeSpan.FromMinutes(2));

        public async Task StopAsync()
        {
            if (!_process.HasExited)
            {
                using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
                await kill.WaitForExitAsync();
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
            }

            _process.Dispose();
        }

        private void Line(string? line)
        {
            if (line is not null && line.Contains(_marker, StringComparison.Ordinal))
            {
                _ready.TrySetResult(ProcessCpu.Of(_process.Id));
            }
            else if (line is not null && (line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("esfleet", StringComparison.Ordinal) && line.Contains(": cannot", StringComparison.Ordinal)))
            {
                Console.Error.WriteLine($"    {line}");
            }
        }
    }
}
