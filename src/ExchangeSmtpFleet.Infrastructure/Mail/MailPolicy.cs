using System.Globalization;
using ExchangeSmtpFleet.Core.Knowledge;
using ExchangeSmtpFleet.Core.Storage;

namespace ExchangeSmtpFleet.Infrastructure.Mail;

/// <summary>Whether a run's report is mailed under <c>Mail:When</c>, and why (the mail step and the command say it).</summary>
public static class MailPolicy
{
    /// <summary>Decides whether to send.</summary>
    /// <param name="when">The setting.</param>
    /// <param name="figures">The run's results, counted.</param>
    /// <param name="changes">The run's changes against the run before.</param>
    /// <param name="reason">Why it is sent or not, one line for people.</param>
    /// <returns>True to send.</returns>
    public static bool ShouldSend(MailWhen when, MailFigures figures, RunChanges changes, out string reason)
    {
        ArgumentNullException.ThrowIfNull(figures);
        ArgumentNullException.ThrowIfNull(changes);
        var newProblems = changes.Changes.Count(c => c.Kind == ChangeKind.NewProblem);
        var changed = changes.Changes.Count(c => c.Kind != ChangeKind.StillFailing);
        switch (when)
        {
            case MailWhen.Always:
                reason = "Mail:When is Always";
                return true;
            case MailWhen.Findings when figures.NeedAction > 0 || newProblems > 0:
                reason = string.Create(CultureInfo.InvariantCulture, $"Mail:When is Findings: {Plural.Of(figures.NeedAction, "Exchange server needs", "Exchange servers need")} action, {Plural.Of(newProblems, "new problem")}");
                return true;
            case MailWhen.Findings:
                reason = "Mail:When is Findings and no Exchange server needs action and no host has a new problem";
                return false;
            case MailWhen.Changes when changed > 0:
                reason = string.Create(CultureInfo.InvariantCulture, $"Mail:When is Changes: {Plural.Of(changed, "host")} changed since {changes.SinceRunId ?? "(no previous run)"}");
                return true;
            case MailWhen.Changes:
                reason = string.Create(CultureInfo.InvariantCulture, $"Mail:When is Changes and nothing changed since {changes.SinceRunId}");
                return false;
            default:
                throw new ArgumentOutOfRangeException(nameof(when), when, "not a Mail:When value");
        }
    }
}
