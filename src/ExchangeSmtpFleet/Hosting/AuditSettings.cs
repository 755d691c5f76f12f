using ExchangeSmtpFleet.Core.Knowledge;
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

    /// <summary>Most hosts one batch probes at the same time, and most probes one process runs for all its batches; default Scan:Concurrency (filled in when bound).</summary>
    public int? Concurrency { get; set; }

    /// <summary>The concurrency of a batch: <see cref="Concurrency"/> as bound (Scan:Concurrency when not set).</summary>
    public int EffectiveConcurrency => Concurrency ?? throw new InvalidOperationException($"{Section}:{nameof(Concurrency)} was not resolved when the settings were bound");

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
    public TimeSpan JobTimeout(ProbeSettings probe) =>
        JobTimeoutMinutes is { } minutes ? TimeSpan.FromMinutes(minutes) : WorstBatch(probe) + TimeSpan.FromMinutes(10);

    /// <summary>The time zone, found (validated by <see cref="Problems"/>).</summary>
    public TimeZoneInfo FindTimeZone() => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    /// <summary>
    /// The worst case of one batch: every host of every batch running side by side at its deadline, sharing the
    /// process's concurrency: batch size x workers / concurrency rounds of the deadline.
    /// </summary>
    public TimeSpan WorstBatch(ProbeSettings probe) =>
        TimeSpan.FromSeconds(Math.Ceiling(BatchSize * (double)Workers / Math.Max(1, EffectiveConcurrency)) * probe.HostDeadlineSeconds);

    /// <summary>What is wrong with the values, one line each, naming the setting.</summary>
    /// <param name="probe">The probe settings (for the batch's worst case); null while they have problems of their own.</param>
    public IEnumerable<string> Problems(ProbeSettings? probe)
    {
        if (!TryTimeZone(out var zoneProblem))
        {
            yield return zoneProblem;
        }

        if (!LooksLikeCron(Cron))
        {
            yield return CronProblem(Cron);
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
        else if (JobTimeoutMinutes is { } minutes && probe is not null && BatchSize >= 1 && Concurrency is >= 1 && WorstBatch(probe) is var worst && worst >= TimeSpan.FromMinutes(minutes))
        {
            yield return $"{Section}:{nameof(JobTimeoutMinutes)} ({JobTimeoutMinutes}) must exceed a batch's worst case, {Plural.Rounded(worst.TotalMinutes, "0.#", "minute")} ({nameof(BatchSize)} {BatchSize} x {nameof(Workers)} {Workers} / concurrency {Concurrency} x Probe:HostDeadlineSeconds {probe.HostDeadlineSeconds}): lower the batch size or raise the time-out";
        }
    }

    /// <summary>What the nightly audit of a job host also needs: its inventory, and a relay when it mails.</summary>
    /// <param name="mail">The mail settings.</param>
    public IEnumerable<string> NightlyProblems(MailSettings mail)
    {
        ArgumentNullException.ThrowIfNull(mail);
        if (string.IsNullOrWhiteSpace(Inventory))
        {
            yield return $"{Section}:{nameof(Inventory)} is not set: name the inventory CSV the nightly audit reads (appsettings.json or ESF_Audit__Inventory)";
        }
        else if (FileKind.Of(Inventory) is var kind && kind != FileType.Regular)
        {
            // Not only "exists": a FIFO or a device (/dev/zero) passes File.Exists and fails every night instead of at start.
            yield return $"{Section}:{nameof(Inventory)}: {Path.GetFullPath(Inventory)}: {(kind == FileType.Missing ? "file not found" : FileKind.Describe(kind) ?? "cannot be examined")}";
        }

        if (Email)
        {
            // Mail is asked for: everything missing for it at once (relay, sender, recipients), before the first night.
            foreach (var problem in mail.Problems(required: true).Where(p => !mail.Problems().Contains(p, StringComparer.Ordinal)))
            {
                yield return $"{problem} ({Section}:{nameof(Email)} is true)";
            }
        }
    }

    /// <summary>What is wrong with a cron expression, in people's words.</summary>
    /// <param name="cron">The expression.</param>
    public static string CronProblem(string? cron) =>
        $"{Section}:{nameof(Cron)} '{cron}' is not a cron expression: five fields, minute hour day-of-month month day-of-week, such as '0 2 * * *' (02:00 every day) or '30 1 * * 1-5' (01:30 on weekdays)";

    /// <summary>Five (or, with seconds, six) fields of cron characters; what Hangfire's parser refuses beyond that is said at start as well.</summary>
    private static bool LooksLikeCron(string? cron)
    {
        var fields = (cron ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length is 5 or 6 && fields.All(f => f.All(c => char.IsAsciiLetterOrDigit(c) || c is '*' or ',' or '-' or '/' or '?' or '#'));
    }

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
