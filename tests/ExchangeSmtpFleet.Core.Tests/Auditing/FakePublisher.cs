using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Storage;

namespace ExchangeSmtpFleet.Core.Tests.Auditing;

/// <summary>Writes no workbook but records where it would have; a relay that takes the mail or refuses it.</summary>
internal sealed class FakePublisher : IReportPublisher
{
    public bool CanMail { get; init; } = true;

    /// <summary>Null: the relay takes every mail; else its answer when it refuses.</summary>
    public string? Refusal { get; set; }

    /// <summary>Null: the policy wants every mail; else why it does not (asked only of the audit's own mail step).</summary>
    public string? PolicyRefusal { get; set; }

    public List<string> Written { get; } = [];

    public List<string> Sent { get; } = [];

    public string DefaultPath(string runId) => $"/reports/{runId}.xlsx";

    public string? FindReport(string runId) => Written.Contains(DefaultPath(runId)) ? DefaultPath(runId) : null;

    public Task<string> WriteReportAsync(string runId, string? path, CancellationToken cancellationToken)
    {
        var target = path ?? DefaultPath(runId);
        Written.Add(target);
        return Task.FromResult(target);
    }

    public Task<MailDelivery> SendReportAsync(StoredRun run, string workbook, bool askPolicy, CancellationToken cancellationToken)
    {
        if (askPolicy && PolicyRefusal is { } reason)
        {
            return Task.FromResult(MailDelivery.NotWanted(reason));
        }

        if (Refusal is { } answer)
        {
            return Task.FromResult(MailDelivery.Refused(answer));
        }

        Sent.Add(run.RunId);
        return Task.FromResult(MailDelivery.Sent("boss@corp.example", "relay:25"));
    }
}
