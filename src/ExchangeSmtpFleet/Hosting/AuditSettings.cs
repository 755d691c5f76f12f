using ExchangeSmtpFleet.Infrastructure.Files;

namespace ExchangeSmtpFleet.Hosting;

/// <summary>
/// The nightly audit of <c>esfleet serve</c> (configuration section <c>Audit</c>): what is audited, when, how it is split into
/// batch jobs and how long the embedded job storage waits for a batch before it gives it to another attempt.
/// </summary>
internal sealed class AuditSettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Audit";

    /// <summary>The id of the recurring job.</summary>
    public const string RecurringJobId = "nightly-audit";

    /// <summary>The inventory CSV (required by <c>serve</c>).</summary>
    public string? Inventory { get; set; }

    /// <summary>When the audit runs: a five-field cron expression (minute hour day month weekday).</summary>
    public string Cron { get; set; } = "0 2 * * *";

    /// <summary>The time zone of <see cref="Cron"/>: an IANA id (<c>Europe/Berlin</c>).</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>Whether the report is mailed (Mail:* configures the relay).</summary>
    public bool Email { get; set; }

    /// <summary>Hosts per batch job.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>Most hosts one batch probes at the same time; default Scan:Concurrency.</summary>
    public int? Concurrency { get; set; }

    /// <summary>
    /// Batch jobs one process runs at the same time (Hangfire workers). They share <see cref="Concurrency"/>: a batch
    /// waiting for its silent hosts' time-outs holds only their sockets while the other batches go on.
    /// </summary>
    public int Workers { get; set; } = 20;

    /// <summary>
    /// How long the embedded job storage (SQLite, single process) considers a job that a worker took as still being worked
    /// on; a job of a process that died comes back after this (a restarted <c>serve</c> queues the unfinished batches at
    /// once, without waiting). Must exceed a batch's worst case; default: that worst case plus ten minutes.
    /// </summary>
    public int? JobTimeoutMinutes { get; set; }

    /// <summary>An audit still marked running after this many hours no longer stops the next one.</summary>
    public int StaleAfterHours { get; set; } = 20;

    /// <summary>The job time-out of the embedded storage: <see cref="JobTimeoutMinutes"/>, else a batch's worst case plus ten minutes.</summary>
    /// <param name="probe">The probe settings.</param>
    /// <param name="scanConcurrency">Scan:Concurrency, the default of <see cref="Concurrency"/>.</param>
    public TimeSpan JobTimeout(ProbeSettings probe, int scanConcurrency) =>
        JobTimeoutMinutes is { } minutes ? TimeSpan.FromMinutes(minutes) : WorstBatch(probe, ConcurrencyOr(scanConcurrency)) + TimeSpan.FromMinutes(10);

    /// <summary>The time zone, found (validated by <see cref="Problems"/>).</summary>
    public TimeZoneInfo FindTimeZone() => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    /// <summary>
    /// The worst case of one batch: every host of every batch running side by side at its deadline, sharing the
    /// process's concurrency: batch size x workers / concurrency rounds of the deadline.
    /// </summary>
    public TimeSpan WorstBatch(ProbeSettings probe, int concurrency) =>
        TimeSpan.FromSeconds(Math.Ceiling(BatchSize * (double)Workers / Math.Max(1, concurrency)) * probe.HostDeadlineSeconds);

    /// <summary>What is wrong with the values, one line each, naming the setting.</summary>
    /// <param name="needInventory">Whether the inventory must be given and exist (<c>serve</c>).</param>
    /// <param name="probe">The probe settings (for the batch's worst case).</param>
    /// <param name="scanConcurrency">Scan:Concurrency, the default of <see cref="Concurrency"/>.</param>
    public IEnumerable<string> Problems(bool needInventory, ProbeSettings probe, int scanConcurrency)
    {
        if (needInventory && string.IsNullOrWhiteSpace(Inventory))
        {
            yield return $"{Section}:{nameof(Inventory)} is not set: name the inventory CSV the nightly audit reads (appsettings.json or ESF_Audit__Inventory)";
        }
        else if (needInventory && FileKind.Of(Inventory!) is var kind && kind != FileType.Regular)
        {
            // Not only "exists": a FIFO or a device (/dev/zero) passes File.Exists and fails every night instead of at start.
            yield return $"{Section}:{nameof(Inventory)}: {Path.GetFullPath(Inventory!)}: {(kind == FileType.Missing ? "file not found" : FileKind.Describe(kind) ?? "cannot be examined")}";
        }

        if (!TryTimeZone(out var zoneProblem))
        {
            yield return zoneProblem;
        }

        if (BatchSize is < 1 or > 100_000)
        {
            yield return $"{Section}:{nameof(BatchSize)} must be 1-100000, not {BatchSize}";
        }

        if (Concurrency is < 1 or > ScanSettings.MaxConcurrency)
        {
            yield return $"{Section}:{nameof(Concurrency)} must be 1-{ScanSettings.MaxConcurrency}, not {Concurrency}";
        }

        if (Workers is < 1 or > 64)
        {
            yield return $"{Section}:{nameof(Workers)} must be 1-64, not {Workers}";
        }

        if (StaleAfterHours is < 1 or > 24 * 7)
        {
            yield return $"{Section}:{nameof(StaleAfterHours)} must be 1-168, not {StaleAfterHours}";
        }

        if (JobTimeoutMinutes is < 1 or > 24 * 60)
        {
            yield return $"{Section}:{nameof(JobTimeoutMinutes)} must be 1-1440, not {JobTimeoutMinutes}";
        }
        else if (JobTimeoutMinutes is { } minutes && BatchSize >= 1 && WorstBatch(probe, ConcurrencyOr(scanConcurrency)) is var worst && worst >= TimeSpan.FromMinutes(minutes))
        {
            yield return $"{Section}:{nameof(JobTimeoutMinutes)} ({JobTimeoutMinutes}) must exceed a batch's worst case, {worst.TotalMinutes:0.#} minutes ({nameof(BatchSize)} {BatchSize} x {nameof(Workers)} {Workers} / concurrency {ConcurrencyOr(scanConcurrency)} x Probe:HostDeadlineSeconds {probe.HostDeadlineSeconds}): lower the batch size or raise the time-out";
        }
    }

    /// <summary>The concurrency of a batch.</summary>
    public int ConcurrencyOr(int scanConcurrency) => Concurrency ?? scanConcurrency;

    private bool TryTimeZone(out string problem)
    {
        problem = string.Empty;
        try
        {
            _ = FindTimeZone();
            return true;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            problem = $"{Section}:{nameof(TimeZone)} '{TimeZone}' is not a time zone of this machine: use an IANA id such as Europe/Berlin or UTC";
            return false;
        }
    }
}
