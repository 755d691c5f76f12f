using System.Globalization;
using System.Text;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Knowledge;
using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Hosting;
using Hangfire;
using Hangfire.Storage;
using static ExchangeSmtpFleet.Jobs.DashboardHtml;

namespace ExchangeSmtpFleet.Jobs;

/// <summary>
/// The Audit page (<c>/hangfire/audit</c>, or <c>/hangfire/audit/run/&lt;run&gt;</c> for one run) as a worklist: the Exchange
/// servers that need action first, grouped by verdict in the verdict colours, each with its missing keywords, days in that
/// state, a "new" mark and a link to its page; then the hosts that could not be checked; then the rest folded. Above them
/// the run (small), its workbook, the changes since the run before, the schedule, and for admins "Run the audit now".
/// </summary>
internal static class WorklistView
{
    /// <summary>Rows shown per verdict; the rest are counted (the workbook has every host).</summary>
    public const int MaxRowsPerVerdict = 500;

    private const int MaxChanges = 100;

    public static async Task<AuditPageBody> RenderAsync(AuditPageContext page, string? runId)
    {
        ArgumentNullException.ThrowIfNull(page);
        var text = page.Text;
        var store = page.Get<IAuditHistory>();
        var token = page.CancellationToken;
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<h1 class=\"page-header\">{E(DashboardText.Audit)}</h1>");

        StoredRun? run;
        if (runId is not null)
        {
            run = await store.FindRunAsync(runId, token).ConfigureAwait(false);
            if (run is null)
            {
                html.Append(CultureInfo.InvariantCulture, $"<p id=\"no-run\">{E(text.NoSuchRun)} <code>{E(runId)}</code></p>");
                return new AuditPageBody(DashboardText.Audit, html.ToString(), 404);
            }
        }
        else
        {
            // While an audit runs, its results are partial: the worklist stays on the last completed run and says so.
            var newest = await store.FindRunAsync("latest", token).ConfigureAwait(false);
            run = await ShownRunAsync(store, newest, token).ConfigureAwait(false);
            if (newest is { Status: AuditRunStatus.Running } && run is not null && run.RunId != newest.RunId)
            {
                html.Append(CultureInfo.InvariantCulture, $"<div class=\"esf-banner\" id=\"running\">{E(await RunningAsync(page, newest).ConfigureAwait(false))}</div>");
            }
        }

        if (run is null)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p id=\"no-run\">{E(DashboardText.NoRun)}</p>");
            AppendActions(page, html, null);
            AppendSchedule(page, html);
            return new AuditPageBody(DashboardText.Audit, html.ToString());
        }

        AppendRunLine(page, html, run);
        if (run.Status == AuditRunStatus.Running)
        {
            html.Append(CultureInfo.InvariantCulture, $"<div class=\"esf-banner\" id=\"running\">{E(await RunningAsync(page, run).ConfigureAwait(false))}</div>");
        }

        AppendActions(page, html, run);
        var results = new List<StoredResult>();
        await foreach (var result in store.ReadResultsAsync(run.RunId, token).ConfigureAwait(false))
        {
            results.Add(result);
        }

        AppendTiles(text, html, results);
        await AppendChangesAsync(page, html, run).ConfigureAwait(false);
        AppendGroups(page, html, run, results);
        AppendSchedule(page, html);
        return new AuditPageBody(DashboardText.Audit, html.ToString());
    }

    /// <summary>
    /// The run the worklist and the home tiles show: the newest, unless it is still running, then the newest completed one
    /// (two cheap queries: the home page asks every few seconds).
    /// </summary>
    internal static async Task<StoredRun?> ShownRunAsync(IAuditHistory store, StoredRun? newest, CancellationToken cancellationToken) =>
        newest is { Status: AuditRunStatus.Running }
            ? await store.LatestCompletedRunAsync(cancellationToken).ConfigureAwait(false) ?? newest
            : newest;

    /// <summary>One line about a run that is running: batches done of all, or hosts done of all.</summary>
    internal static async Task<string> RunningAsync(AuditPageContext page, StoredRun run)
    {
        var ledger = page.Get<IJobLedger>();
        if (await ledger.PipelineRunAsync(run.RunId, page.CancellationToken).ConfigureAwait(false) is { } pipeline)
        {
            var steps = await ledger.StepsAsync(run.RunId, page.CancellationToken).ConfigureAwait(false);
            var done = steps.Count(s => RunSteps.IsBatch(s.Step) && s.DoneAt is not null);
            return page.Text.RunningBanner(run.RunId, done, pipeline.BatchCount, Time(run.StartedAt));
        }

        return page.Text.RunningNoBatches(run.RunId, run.Results, run.HostCount, Time(run.StartedAt));
    }

    private static void AppendRunLine(AuditPageContext page, StringBuilder html, StoredRun run)
    {
        var text = page.Text;
        var when = run.FinishedAt is { } finished
            ? $"{Time(run.StartedAt)}, {Duration(finished - run.StartedAt)}"
            : Time(run.StartedAt);
        html.Append(CultureInfo.InvariantCulture,
            $"<p class=\"esf-run-line esf-muted\">{E(text.Run)} <code id=\"run-id\">{E(run.RunId)}</code> &middot; <strong id=\"run-status\" data-status=\"{run.Status}\">{E(text.StatusName(run.Status))}</strong> &middot; {E(when)} &middot; {E(text.HostsOfRun(run.Results, run.HostCount))}</p>");
    }

    private static void AppendActions(AuditPageContext page, StringBuilder html, StoredRun? run)
    {
        var text = page.Text;
        html.Append("<p class=\"esf-actions\">");
        if (run is not null && page.Get<AuditWorkflow>().FindReportOf(run.RunId) is not null)
        {
            html.Append(CultureInfo.InvariantCulture, $"<a class=\"btn btn-default\" id=\"report-link\" href=\"{E(page.Url(ReportPath(run.RunId)))}\">{E(text.DownloadWorkbook)}</a>");
        }

        html.Append(CultureInfo.InvariantCulture, $"<a class=\"btn btn-default\" id=\"runs-link\" href=\"{E(page.Url(AuditDashboard.PagePath + "/runs"))}\">{E(text.AllRuns)}</a>");
        if (!page.IsReadOnly && RecurringJob(page) is not null)
        {
            // Hangfire's own script posts data-ajax buttons with the antiforgery header and reloads the page.
            html.Append(CultureInfo.InvariantCulture,
                $"<button class=\"btn btn-primary\" id=\"run-now\" data-ajax=\"{E(page.Url(AuditDashboard.PagePath + "/run-now"))}\" data-loading-text=\"{E(text.RunNowLoading)}\">{E(text.RunNow)}</button>");
        }

        html.Append("</p>");
    }

    private static void AppendTiles(DashboardText text, StringBuilder html, List<StoredResult> results)
    {
        int Count(VerdictGroup group) => results.Count(r => VerdictGroups.Of(r.Verdict) == group);
        var needs = Count(VerdictGroup.NeedsAction);
        var notChecked = Count(VerdictGroup.CouldNotCheck);
        var other = Count(VerdictGroup.Other);
        var healthy = Count(VerdictGroup.Healthy);
        html.Append("<div class=\"esf-tiles\">");
        Tile(html, "tile-needs-action", needs, needs == 0 ? text.NothingNeedsAction : text.NeedActionCount(needs), VerdictGroup.NeedsAction, "#needs-action");
        Tile(html, "tile-could-not-check", notChecked, text.CouldNotCheckCount(notChecked), VerdictGroup.CouldNotCheck, "#could-not-check");
        Tile(html, "tile-other", other, text.OtherCount(other), VerdictGroup.Other, "#other");
        Tile(html, "tile-healthy", healthy, text.HealthyCount(healthy), VerdictGroup.Healthy, "#healthy");
        html.Append("</div>");
    }

    private static void Tile(StringBuilder html, string id, int count, string label, VerdictGroup colour, string anchor) =>
        html.Append(CultureInfo.InvariantCulture,
            $"<a href=\"{anchor}\" class=\"esf-tile{(count == 0 ? " esf-zero" : string.Empty)}\" id=\"{id}\" style=\"background:{Color(colour)};text-decoration:none\"><span class=\"esf-tile-count\">{count}</span><span class=\"esf-tile-label\">{E(label)}</span></a>");

    private static async Task AppendChangesAsync(AuditPageContext page, StringBuilder html, StoredRun run)
    {
        var text = page.Text;
        var store = page.Get<IAuditHistory>();
        var knowledge = page.Get<KnowledgeBase>();
        var changes = await store.ChangesAsync(run.RunId, null, page.CancellationToken).ConfigureAwait(false);
        html.Append("<div id=\"changes\">");
        if (changes.SinceRunId is not { } sinceId)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"esf-changes\">{E(text.NoEarlierRun)}</p></div>");
            return;
        }

        var since = await store.FindRunAsync(sinceId, page.CancellationToken).ConfigureAwait(false);
        var sinceLink = Link(page.Url(RunPath(sinceId)), $"<code>{E(sinceId)}</code>");
        var sinceDate = since is null ? string.Empty : E(Time(since.StartedAt));
        var real = changes.Changes.Where(c => c.Kind != ChangeKind.StillFailing).ToList();
        var still = changes.Changes.Count(c => c.Kind == ChangeKind.StillFailing);
        if (real.Count == 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"esf-changes\" id=\"no-changes\">{NoChanges(text, sinceLink, sinceDate)}</p>");
        }
        else
        {
            html.Append(CultureInfo.InvariantCulture, $"<h3>{Since(text, sinceLink, sinceDate)}</h3>");
            Head(html, "change-list", text.Change, DashboardText.Host, DashboardText.Name, text.Before, text.After);
            foreach (var change in real.Take(MaxChanges))
            {
                html.Append(CultureInfo.InvariantCulture,
                    $"<tr data-kind=\"{change.Kind}\"><td>{E(text.ChangeName(change.Kind))}</td><td>{Link(page.Url(HostPath(change.HostKey)), E(change.HostKey))}</td><td>{E(change.Name)}</td><td>{VerdictOrDash(knowledge, text, change.Before)}</td><td>{VerdictOrDash(knowledge, text, change.After)}</td></tr>");
            }

            html.Append("</tbody></table>");
            if (real.Count > MaxChanges)
            {
                html.Append(CultureInfo.InvariantCulture, $"<p class=\"esf-muted\">{E(text.More(real.Count - MaxChanges, text.SeeWorkbook))}</p>");
            }
        }

        if (still > 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"esf-muted\" id=\"still-failing\" data-count=\"{still}\">{E(text.StillFailingCount(still))}</p>");
        }

        html.Append("</div>");
    }

    // The sentence around the link is the page's own text; the link and the date are encoded already.
    private static string NoChanges(DashboardText text, string link, string date) =>
        E(text.NoChangesSince("[[1]]", "[[2]]")).Replace("[[1]]", link, StringComparison.Ordinal).Replace("[[2]]", date, StringComparison.Ordinal);

    private static string Since(DashboardText text, string link, string date) =>
        E(text.ChangesSince("[[1]]", "[[2]]")).Replace("[[1]]", link, StringComparison.Ordinal).Replace("[[2]]", date, StringComparison.Ordinal);

    private static string VerdictOrDash(KnowledgeBase knowledge, DashboardText text, Verdict? verdict) =>
        verdict is { } v ? Badge(v, knowledge.VerdictTitle(v, text.Language)) : "&ndash;";

    private static void AppendGroups(AuditPageContext page, StringBuilder html, StoredRun run, List<StoredResult> results)
    {
        var text = page.Text;
        var knowledge = page.Get<KnowledgeBase>();
        var byVerdict = results.GroupBy(r => r.Verdict).ToDictionary(g => g.Key, g => g.ToList());
        List<StoredResult> Of(Verdict verdict) => byVerdict.TryGetValue(verdict, out var list) ? list : [];
        Verdict[] Verdicts(VerdictGroup group) => [.. Enum.GetValues<Verdict>().Where(v => VerdictGroups.Of(v) == group)];

        // Needs action: new ones first, then the longest-standing.
        html.Append(CultureInfo.InvariantCulture, $"<section class=\"esf-group\" id=\"needs-action\"><h2>{E(text.NeedsAction)}</h2><p class=\"esf-hint\">{E(text.NeedsActionHint)}</p>");
        var needs = Verdicts(VerdictGroup.NeedsAction);
        if (needs.All(v => Of(v).Count == 0))
        {
            html.Append(CultureInfo.InvariantCulture, $"<p id=\"nothing-needs-action\"><strong>{E(text.NothingNeedsAction)}</strong></p>");
        }

        foreach (var verdict in needs)
        {
            var hosts = Of(verdict).OrderByDescending(IsNew).ThenByDescending(r => DaysInState(r, run.StartedAt) ?? 0).ThenBy(r => r.HostKey, StringComparer.Ordinal).ToList();
            VerdictTable(page, html, run, verdict, knowledge.VerdictTitle(verdict, text.Language), hosts,
                [DashboardText.Host, DashboardText.Name, text.Site, text.Missing, text.InThisState],
                r => [E(r.Name), E(r.Site), Keywords(r.Missing), State(text, r, run)]);
        }

        html.Append("</section>");

        html.Append(CultureInfo.InvariantCulture, $"<section class=\"esf-group\" id=\"could-not-check\"><h2>{E(text.CouldNotCheck)}</h2><p class=\"esf-hint\">{E(text.CouldNotCheckHint)}</p>");
        foreach (var verdict in Verdicts(VerdictGroup.CouldNotCheck))
        {
            var hosts = Of(verdict).OrderByDescending(IsNew).ThenBy(r => r.HostKey, StringComparer.Ordinal).ToList();
            VerdictTable(page, html, run, verdict, knowledge.VerdictTitle(verdict, text.Language), hosts,
                [DashboardText.Host, DashboardText.Name, text.Site, text.Reason, text.InThisState],
                r => [E(r.Name), E(r.Site), $"{E(knowledge.For(r.Verdict, r.Reason, text.Language).Summary)}<br><span class=\"esf-muted esf-small\"><code>{r.Reason}</code>{(r.Detail is null ? string.Empty : $" <span class=\"esf-detail\">{E(Shorten(r.Detail))}</span>")}</span>", State(text, r, run)]);
        }

        html.Append("</section>");

        foreach (var (group, id, title) in new[] { (VerdictGroup.Other, "other", text.OtherServers), (VerdictGroup.Healthy, "healthy", text.Healthy) })
        {
            var count = Verdicts(group).Sum(v => Of(v).Count);
            html.Append(CultureInfo.InvariantCulture, $"<details class=\"esf-fold\" id=\"{id}\"><summary>{E(title)} ({count})</summary>");
            foreach (var verdict in Verdicts(group))
            {
                VerdictTable(page, html, run, verdict, knowledge.VerdictTitle(verdict, text.Language), [.. Of(verdict).OrderBy(r => r.HostKey, StringComparer.Ordinal)],
                    [DashboardText.Host, DashboardText.Name, text.Site, text.Family],
                    r => [E(r.Name), E(r.Site), $"<code>{E(r.Family)}</code>"]);
            }

            html.Append("</details>");
        }
    }

    private static void VerdictTable(
        AuditPageContext page, StringBuilder html, StoredRun run, Verdict verdict, string title, List<StoredResult> hosts, string[] columns, Func<StoredResult, string[]> cells)
    {
        if (hosts.Count == 0)
        {
            return;
        }

        html.Append(CultureInfo.InvariantCulture, $"<h3>{Swatch(verdict)}{E(title)} <span class=\"esf-muted\">({hosts.Count})</span></h3>");
        Head(html, $"verdict-{verdict}", columns);
        foreach (var result in hosts.Take(MaxRowsPerVerdict))
        {
            var mark = IsNew(result) ? $"<span class=\"esf-new\" title=\"{E(page.Text.NewTitle)}\">{E(page.Text.New)}</span>" : string.Empty;
            html.Append(CultureInfo.InvariantCulture,
                $"<tr class=\"esf-host\" data-host=\"{E(result.HostKey)}\" data-verdict=\"{verdict}\"><td>{Link(page.Url(HostPath(result.HostKey, run.RunId)), E(result.HostKey))}{mark}</td>");
            foreach (var cell in cells(result))
            {
                html.Append(CultureInfo.InvariantCulture, $"<td>{cell}</td>");
            }

            html.Append("</tr>");
        }

        html.Append("</tbody></table>");
        if (hosts.Count > MaxRowsPerVerdict)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"esf-muted\">{E(page.Text.More(hosts.Count - MaxRowsPerVerdict, page.Text.SeeWorkbook))}</p>");
        }
    }

    /// <summary>A failure detail cut for the list (a server's garbage can be kilobytes); the host's page has it whole.</summary>
    private static string Shorten(string detail) => detail.Length <= 160 ? detail : string.Concat(detail.AsSpan(0, 160), "\u2026");

    private static string State(DashboardText text, StoredResult result, StoredRun run) =>
        DaysInState(result, run.StartedAt) is { } days
            ? $"<span class=\"esf-days\" data-days=\"{days}\">{E(text.Days(days))}</span> <span class=\"esf-muted esf-small\">{E(text.Since(Date(result.VerdictSince!.Value)))}</span>"
            : "&ndash;";

    private static void AppendSchedule(AuditPageContext page, StringBuilder html)
    {
        var text = page.Text;
        var settings = page.Get<AuditSettings>();
        var recurring = RecurringJob(page);
        html.Append(CultureInfo.InvariantCulture, $"<h3 class=\"esf-group\">{E(text.Schedule)}</h3><p class=\"esf-muted\" id=\"schedule\">");
        if (recurring is null)
        {
            html.Append(E(text.NotRegistered(AuditSettings.RecurringJobId)));
        }
        else
        {
            var next = recurring.NextExecution is { } at ? Time(new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc))) : null;
            html.Append(E(text.ScheduleLine(recurring.Cron, recurring.TimeZoneId ?? settings.TimeZone, next)));
            if (recurring.LastJobId is { } last)
            {
                html.Append("; ").Append(E(text.LastTriggered("[[1]]", recurring.LastJobState ?? "?")).Replace("[[1]]", Link(page.Url($"/jobs/details/{last}"), "#" + E(last)), StringComparison.Ordinal));
            }
        }

        html.Append("<br>").Append(E(text.InventoryLine("[[1]]", settings.BatchSize, settings.Email ? page.Get<MailSettings>().When : null)).Replace("[[1]]", $"<code>{E(settings.Inventory)}</code>", StringComparison.Ordinal)).Append("</p>");
    }

    /// <summary>The nightly audit's recurring job in the job storage, or null when it is not registered.</summary>
    internal static RecurringJobDto? RecurringJob(AuditPageContext page)
    {
        using var connection = page.Get<JobStorage>().GetConnection();
        return connection.GetRecurringJobs([AuditSettings.RecurringJobId]).FirstOrDefault(j => !j.Removed);
    }
}
