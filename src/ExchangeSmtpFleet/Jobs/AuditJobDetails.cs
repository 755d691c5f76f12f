using System.Globalization;
using System.Text;
using Hangfire.Dashboard;
using static ExchangeSmtpFleet.Jobs.DashboardHtml;

namespace ExchangeSmtpFleet.Jobs;

/// <summary>
/// The arguments of the audit's jobs in words on Hangfire's job page, under its code snippet (which shows a batch as
/// <c>BatchAsync("...", "...", 4, 4, 24, 8, null, null)</c>): the run with a link to its worklist, which batch of how many,
/// which hosts of the inventory. The stored job stays as it is (renaming or reshaping its method would break stored jobs).
/// </summary>
internal static class AuditJobDetails
{
    public static NonEscapedString Render(JobDetailsRendererDto dto)
    {
        ArgumentNullException.ThrowIfNull(dto);
        var job = dto.JobDetails.Job;
        if (job is null || job.Type != typeof(AuditJobs))
        {
            return new NonEscapedString(string.Empty);
        }

        var args = job.Args;
        var rows = new List<(string Label, string Html)>();
        string RunLink(object? runId) => runId is string id ? Link(dto.Page.Url.To(RunPath(id)), $"<code>{E(id)}</code>") : "&ndash;";
        switch (job.Method.Name)
        {
            case nameof(AuditJobs.StartAsync):
                rows.Add(("What", "Begins a run of the inventory (Audit:Inventory) and queues one job per batch; its run id is made of this job's creation time and id."));
                break;
            case nameof(AuditJobs.BatchAsync) when args.Count >= 6 && args[2] is int number && args[3] is int of && args[4] is int first && args[5] is int size:
                rows.Add(("Run", $"{RunLink(args[1])} <span class=\"esf-muted\">({E(args[0] as string)})</span>"));
                rows.Add(("Batch", string.Create(CultureInfo.InvariantCulture, $"{number} of {of}")));
                rows.Add(("Hosts", string.Create(CultureInfo.InvariantCulture, $"inventory hosts {first + 1} to {first + size} (up to {size}; the last batch may have fewer)")));
                rows.Add(("What", "Probes the hosts of this batch that have no result yet and stores them; the batch that completes the run finishes it and queues its report."));
                break;
            case nameof(AuditJobs.ReportAsync) when args.Count >= 2:
                rows.Add(("Run", $"{RunLink(args[1])} <span class=\"esf-muted\">({E(args[0] as string)})</span>"));
                rows.Add(("What", "Writes the run's workbook (once per run); queues its mail when Audit:Email is on."));
                break;
            case nameof(AuditJobs.MailAsync) when args.Count >= 2:
                rows.Add(("Run", $"{RunLink(args[1])} <span class=\"esf-muted\">({E(args[0] as string)})</span>"));
                rows.Add(("What", "Mails the run's workbook to Mail:To (once per run)."));
                break;
            default:
                return new NonEscapedString(string.Empty);
        }

        var html = new StringBuilder("<h3 id=\"audit-job\">Audit</h3><table class=\"table table-condensed job-snippet-properties\">");
        foreach (var (label, value) in rows)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td class=\"width-20\">{E(label)}</td><td>{value}</td></tr>");
        }

        return new NonEscapedString(html.Append("</table>").ToString());
    }
}
