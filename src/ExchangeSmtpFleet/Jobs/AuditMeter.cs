using System.Diagnostics.Metrics;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Classification;

namespace ExchangeSmtpFleet.Jobs;

/// <summary>
/// The app's own meter, <c>ExchangeSmtpFleet</c> (System.Diagnostics.Metrics; exported by <c>/metrics</c> in the
/// Prometheus text format, names as OpenTelemetry's exporter writes them):
/// <list type="bullet">
/// <item><c>esfleet_hosts{verdict,group}</c>: hosts per verdict of the newest completed run.</item>
/// <item><c>esfleet_hosts_need_action</c>, <c>esfleet_hosts_could_not_check</c>: the same, per group.</item>
/// <item><c>esfleet_new_problems</c>: hosts healthy in the run before and not healthy in it.</item>
/// <item><c>esfleet_last_run_completion_time_seconds</c> (Unix time), <c>esfleet_last_run_duration_seconds</c>.</item>
/// <item><c>esfleet_latest_run_status{status}</c>: 1 for the newest run's status (Running, Completed, Interrupted, Failed), 0 for the others.</item>
/// <item><c>esfleet_database_up</c>: whether the audit database answered the scrape.</item>
/// <item><c>esfleet_probe_duration_seconds{outcome}</c>: probes this process ran, by what ended them (<c>answered</c> or the failure's reason).</item>
/// <item><c>esfleet_batch_jobs_total{outcome}</c>: batch jobs this process ran: <c>succeeded</c>, <c>failed</c>, <c>interrupted</c>.</item>
/// </list>
/// The fleet's gauges read <see cref="State"/>, which <see cref="FleetSnapshot"/> refreshes before each scrape.
/// </summary>
internal sealed class AuditMeter : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string Name = "ExchangeSmtpFleet";

    private readonly Counter<long> _batchJobs;
    private readonly Histogram<double> _probeDuration;
    private volatile FleetState _state = FleetState.Unknown(databaseUp: true);

    public AuditMeter()
    {
        Meter = new Meter(Name, Cli.EsfleetCli.Version.Split('+')[0]);
        _batchJobs = Meter.CreateCounter<long>("esfleet.batch_jobs", "{job}", "Audit batch jobs this process ran, by outcome");
        _probeDuration = Meter.CreateHistogram<double>(
            "esfleet.probe.duration", "s", "Probes this process ran, by what ended them (answered, or the failure's reason)",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120] });
        Meter.CreateObservableGauge("esfleet.hosts", Hosts, "{host}", "Hosts per verdict of the newest completed run");
        Meter.CreateObservableGauge("esfleet.hosts.need_action", () => State.InGroup(VerdictGroup.NeedsAction), "{host}",
            "Exchange servers that need action (missing sinks, suspected metabase corruption) in the newest completed run");
        Meter.CreateObservableGauge("esfleet.hosts.could_not_check", () => State.InGroup(VerdictGroup.CouldNotCheck), "{host}",
            "Hosts that could not be checked (unreachable, refused, not SMTP) in the newest completed run");
        Meter.CreateObservableGauge("esfleet.new_problems", () => State.NewProblems, "{host}",
            "Hosts healthy in the run before and not healthy in the newest completed run");
        Meter.CreateObservableGauge("esfleet.last_run.completion_time", CompletionTime, "s", "When the newest completed run finished (Unix time)");
        Meter.CreateObservableGauge("esfleet.last_run.duration", Duration, "s", "How long the newest completed run took");
        Meter.CreateObservableGauge("esfleet.latest_run.status", Status, description: "1 for the status of the newest run, 0 for the others");
        Meter.CreateObservableGauge("esfleet.database.up", () => State.DatabaseUp ? 1 : 0, description: "Whether the audit database answered the last scrape");
    }

    /// <summary>The meter (the exporter listens to this instance only).</summary>
    public Meter Meter { get; }

    /// <summary>The fleet as last read.</summary>
    public FleetState State
    {
        get => _state;
        set => _state = value ?? FleetState.Unknown(databaseUp: false);
    }

    /// <summary>Counts a batch job that ended: <c>succeeded</c>, <c>failed</c> or <c>interrupted</c>.</summary>
    public void BatchJob(string outcome) => _batchJobs.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>Records a probe that finished after <paramref name="seconds"/>, ended by <paramref name="outcome"/>.</summary>
    public void Probe(double seconds, string outcome) => _probeDuration.Record(seconds, new KeyValuePair<string, object?>("outcome", outcome));

    public void Dispose() => Meter.Dispose();

    private IEnumerable<Measurement<int>> Hosts()
    {
        var state = State;
        return state.Counts.Count == 0
            ? []
            : Enum.GetValues<Verdict>().Select(v => new Measurement<int>(
                state.Counts.TryGetValue(v, out var count) ? count : 0,
                new KeyValuePair<string, object?>("verdict", v.ToString()),
                new KeyValuePair<string, object?>("group", VerdictGroups.Of(v).ToString())));
    }

    private IEnumerable<Measurement<double>> CompletionTime() =>
        State.CompletedAt is { } at ? [new Measurement<double>(at.ToUnixTimeMilliseconds() / 1000.0)] : [];

    private IEnumerable<Measurement<double>> Duration() =>
        State.Duration is { } duration ? [new Measurement<double>(duration.TotalSeconds)] : [];

    private IEnumerable<Measurement<int>> Status()
    {
        var latest = State.LatestStatus;
        return latest is null
            ? []
            : Enum.GetValues<AuditRunStatus>().Select(s => new Measurement<int>(s == latest ? 1 : 0, new KeyValuePair<string, object?>("status", s.ToString())));
    }
}
