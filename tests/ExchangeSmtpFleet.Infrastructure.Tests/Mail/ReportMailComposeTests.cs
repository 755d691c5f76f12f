using System.Collections.Immutable;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Knowledge;
using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Infrastructure.Mail;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Mail;

/// <summary>Issue 19: the mail says the Exchange problems first, what to do per server, what changed, where the workbook and the run are; both languages.</summary>
public sealed class ReportMailComposeTests
{
    private static readonly DateTimeOffset Night = new(2026, 12, 6, 2, 0, 0, TimeSpan.Zero);

    private static StoredResult Result(int n, Verdict verdict, Reason reason, Verdict? previous, params string[] missing) => new(
        $"10.0.0.{n}:25", $"10.0.0.{n}", 25, $"exch{n:00}", "Berlin", "Messaging", "exchange-2003", verdict, reason, "microsoft-exchange-2000/2003", null,
        [.. missing], null, Night, previous, Night.AddDays(-3));

    /// <summary>Two hosts with missing sinks (one new since the run before), one metabase suspicion, one unreachable, one healthy; one host added, one removed.</summary>
    private static (StoredRun Run, MailFigures Figures, RunChanges Changes) Fleet(bool previousRun = true)
    {
        var results = new[]
        {
            Result(1, Verdict.MissingSinks, Reason.ExchangeKeywordsAbsent, Verdict.MissingSinks, "X-EXPS", "X-EXPS=LOGIN", "X-LINK2STATE", "XEXCH50"),
            Result(2, Verdict.MissingSinks, Reason.ExchangeKeywordsAbsent, Verdict.Healthy, "X-EXPS", "X-EXPS=LOGIN", "X-LINK2STATE", "XEXCH50"),
            Result(3, Verdict.SuspectedMetabaseCorruption, Reason.ExchangeKeywordsIncomplete, Verdict.SuspectedMetabaseCorruption, "XEXCH50"),
            Result(4, Verdict.Unreachable, Reason.ConnectionRefused, Verdict.Unreachable),
            Result(5, Verdict.Healthy, Reason.ProfileSatisfied, Verdict.Healthy),
        };
        var run = new StoredRun("audit-20261206T020000Z-j1", "audit", Night, Night.AddMinutes(2), AuditRunStatus.Completed, "inventory.csv", 5, "1.0",
            [.. Enum.GetValues<Verdict>().Select(v => KeyValuePair.Create(v, results.Count(r => r.Verdict == v)))]);
        var changes = previousRun
            ? new RunChanges(run.RunId, "audit-20261205T020000Z-j1", [
                new HostChange("10.0.0.2:25", "exch02", ChangeKind.NewProblem, Verdict.Healthy, Verdict.MissingSinks),
                new HostChange("10.0.0.9:25", "exch09", ChangeKind.Added, null, Verdict.Healthy),
                new HostChange("10.0.0.8:25", "exch08", ChangeKind.Removed, Verdict.Healthy, null)])
            : new RunChanges(run.RunId, null, [.. results.Select(r => new HostChange(r.HostKey, r.Name, ChangeKind.Added, null, r.Verdict))]);
        return (run, MailFigures.Of(previousRun ? results : results.Select(r => r with { PreviousVerdict = null })), changes);
    }

    private static MailOptions Options(Uri? dashboard = null) => new(
        "relay", 25, MailTls.Auto, null, null, "esfleet@audit.example", ["it-leitung@example.org"], 10_000_000, null, DashboardUrl: dashboard);

    private static string Workbook()
    {
        var path = Path.Combine(Path.GetTempPath(), "esf-mail-tests", $"{Guid.NewGuid():N}", "audit-20261206T020000Z-j1.xlsx");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, [1, 2, 3]);
        return path;
    }

    [Theory]
    [InlineData(Language.English,
        "Exchange SMTP audit 2026-12-06: 3 servers need action (1 new); 1 could not be checked",
        "3 Exchange servers need action: 2 with the Exchange event sinks not loaded, 1 with suspected metabase corruption; 1 new",
        "- 10.0.0.2:25 exch02 Berlin: Exchange event sinks not loaded; Missing: X-EXPS, X-EXPS=LOGIN, X-LINK2STATE, XEXCH50; In this verdict since: 2026-12-03; What to do: Load SMTP for Exchange properly (new)",
        "Added to the inventory (1)", "Removed from the inventory (1)", "The workbook is attached (audit-20261206T020000Z-j1.xlsx)", "This run on the dashboard")]
    [InlineData(Language.German,
        "Exchange-SMTP-Prüfung 06.12.2026: 3 Server erfordern Maßnahmen (1 neu); 1 nicht prüfbar",
        "3 Exchange-Server erfordern Maßnahmen: 2 mit nicht geladenen Exchange-Ereignissenken, 1 mit vermutlich beschädigter IIS-Metabase; 1 neu",
        "- 10.0.0.2:25 exch02 Berlin: Exchange-Ereignissenken nicht geladen; Fehlend: X-EXPS, X-EXPS=LOGIN, X-LINK2STATE, XEXCH50; Mit diesem Befund seit: 03.12.2026; Was zu tun ist: SMTP für Exchange ordnungsgemäß laden (neu)",
        "Neu im Inventar (1)", "Aus dem Inventar entfernt (1)", "Die Arbeitsmappe ist angehängt (audit-20261206T020000Z-j1.xlsx)", "Dieser Lauf im Dashboard")]
    public void Mail_SaysTheExchangeProblemsFirst_AndWhatToDoPerServer(
        Language language, string subject, string headline, string newHost, string added, string removed, string attached, string dashboard)
    {
        var (run, figures, changes) = Fleet();

        var message = ReportMailer.Compose(Options(new Uri("https://esfleet.corp.example:5443/")), run, figures, changes, Workbook(), language);

        Assert.Equal(subject, message.Subject);
        foreach (var (body, encode) in new (string, Func<string, string>)[] { (message.TextBody!, t => t), (message.HtmlBody!, System.Net.WebUtility.HtmlEncode) })
        {
            Assert.Contains(encode(headline), body, StringComparison.Ordinal);
            Assert.Contains(encode(added), body, StringComparison.Ordinal);
            Assert.Contains("10.0.0.9:25 exch09", body, StringComparison.Ordinal);
            Assert.Contains(encode(removed), body, StringComparison.Ordinal);
            Assert.Contains("10.0.0.8:25 exch08", body, StringComparison.Ordinal);
            Assert.Contains(encode(attached), body, StringComparison.Ordinal);
            Assert.Contains(encode(dashboard), body, StringComparison.Ordinal);
            Assert.Contains("https://esfleet.corp.example:5443/hangfire/audit/run/audit-20261206T020000Z-j1", body, StringComparison.Ordinal);
            Assert.DoesNotContain("10.0.0.5:25", body, StringComparison.Ordinal);
        }

        Assert.Contains(newHost, message.TextBody, StringComparison.Ordinal);

        // New first, then the longest-standing; every host that needs action, each with its procedure.
        var lines = message.TextBody!.Split('\n').Where(l => l.StartsWith("- 10.0.0.", StringComparison.Ordinal) && l.Contains("; ", StringComparison.Ordinal)).ToList();
        Assert.Equal(["10.0.0.2:25", "10.0.0.1:25", "10.0.0.3:25"], lines.Select(l => l[2..].Split(' ')[0]));

        // A phone never breaks a keyword at its hyphen; each verdict wears its colour.
        Assert.Contains("<span style=\"white-space:nowrap\">X-LINK2STATE</span>", message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("#" + VerdictStyle.Color(Verdict.MissingSinks), message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("#" + VerdictStyle.Color(Verdict.SuspectedMetabaseCorruption), message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("name=\"viewport\"", message.HtmlBody, StringComparison.Ordinal);
        Assert.Single(message.Attachments);
    }

    [Theory]
    [InlineData(Language.English, "Exchange SMTP audit 2026-12-06: no server needs action", "No Exchange server needs action.")]
    [InlineData(Language.German, "Exchange-SMTP-Prüfung 06.12.2026: kein Server erfordert eine Maßnahme", "Kein Exchange-Server erfordert eine Maßnahme.")]
    public void Mail_WithNobodyToAct_SaysSo(Language language, string subject, string headline)
    {
        var (run, _, changes) = Fleet();
        var figures = MailFigures.Of([Result(5, Verdict.Healthy, Reason.ProfileSatisfied, Verdict.Healthy)]);

        var message = ReportMailer.Compose(Options(), run, figures, changes with { Changes = [] }, Workbook(), language);

        Assert.Equal(subject, message.Subject);
        Assert.Contains(headline, message.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("hangfire", message.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Mail_OfAFirstRun_MarksNothingNew_AndListsNoHostAsAdded()
    {
        var (run, figures, changes) = Fleet(previousRun: false);

        var message = ReportMailer.Compose(Options(), run, figures, changes, Workbook(), Language.English);

        Assert.Equal("Exchange SMTP audit 2026-12-06: 3 servers need action; 1 could not be checked", message.Subject);
        Assert.DoesNotContain("(new)", message.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Added to the inventory", message.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Subject_FromTheSettings_ReplacesItsPlaceholders()
    {
        var (run, figures, changes) = Fleet();

        var message = ReportMailer.Compose(Options() with { Subject = "{date}: {action} to act on ({new} new), {unhealthy} of {hosts} not healthy, {run}" }, run, figures, changes, Workbook(), Language.German);

        Assert.Equal("06.12.2026: 3 to act on (1 new), 4 of 5 not healthy, audit-20261206T020000Z-j1", message.Subject);
    }

    [Theory]
    [InlineData(MailWhen.Always, false, false, true)]
    [InlineData(MailWhen.Findings, true, false, true)]
    [InlineData(MailWhen.Findings, false, true, false)]
    [InlineData(MailWhen.Findings, false, false, false)]
    [InlineData(MailWhen.Changes, false, true, true)]
    [InlineData(MailWhen.Changes, true, false, false)]
    public void MailPolicy_SendsAsMailWhenSays(MailWhen when, bool hostNeedsAction, bool somethingChanged, bool send)
    {
        var figures = MailFigures.Of([
            Result(5, Verdict.Healthy, Reason.ProfileSatisfied, Verdict.Healthy),
            .. hostNeedsAction ? [Result(1, Verdict.MissingSinks, Reason.ExchangeKeywordsAbsent, Verdict.MissingSinks)] : Array.Empty<StoredResult>()]);
        ImmutableArray<HostChange> moved = somethingChanged ? [new HostChange("10.0.0.4:25", "exch04", ChangeKind.Recovered, Verdict.Unreachable, Verdict.Healthy)] : [];
        ImmutableArray<HostChange> still = hostNeedsAction ? [new HostChange("10.0.0.1:25", "exch01", ChangeKind.StillFailing, Verdict.MissingSinks, Verdict.MissingSinks)] : [];
        var changes = new RunChanges("run-2", "run-1", [.. moved, .. still]);

        var decided = MailPolicy.ShouldSend(when, figures, changes, out var reason);

        Assert.Equal(send, decided);
        Assert.StartsWith($"Mail:When is {when}", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void MailPolicy_Findings_ANewProblemOfAnotherKind_IsSent()
    {
        var figures = MailFigures.Of([Result(4, Verdict.Unreachable, Reason.ConnectionRefused, Verdict.Healthy)]);
        var changes = new RunChanges("run-2", "run-1", [new HostChange("10.0.0.4:25", "exch04", ChangeKind.NewProblem, Verdict.Healthy, Verdict.Unreachable)]);

        Assert.True(MailPolicy.ShouldSend(MailWhen.Findings, figures, changes, out var reason));
        Assert.Contains("1 new problem", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("1 new problems", reason, StringComparison.Ordinal);
    }
}
