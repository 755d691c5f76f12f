using System.Globalization;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Inventory;
using ExchangeSmtpFleet.Core.Knowledge;

namespace ExchangeSmtpFleet.Cli;

/// <summary>
/// The hosts of a foreground run that need action, gathered as results arrive (a sink on the workflow's own task), and
/// listed under the summary with what to do; the hosts that could not be checked and the other servers are counted.
/// </summary>
internal sealed class ActionList : IResultSink
{
    /// <summary>Most hosts listed on the terminal; the workbook has them all.</summary>
    public const int Shown = 50;

    private readonly List<(string HostKey, string? Name, Verdict Verdict, Reason Reason, string Missing)> _hosts = [];
    private int _needsAction;
    private int _couldNotCheck;
    private int _other;

    public string Name => "the list of hosts that need action";

    public Task WriteAsync(IReadOnlyList<HostOutcome> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        foreach (var outcome in batch)
        {
            var c = outcome.Classification;
            switch (VerdictGroups.Of(c.Verdict))
            {
                case VerdictGroup.NeedsAction:
                    _needsAction++;
                    if (_hosts.Count < Shown)
                    {
                        _hosts.Add((outcome.Host.Key, outcome.Host.Name, c.Verdict, c.Reason, c.Missing.IsDefaultOrEmpty ? "-" : string.Join(", ", c.Missing)));
                    }

                    break;
                case VerdictGroup.CouldNotCheck:
                    _couldNotCheck++;
                    break;
                case VerdictGroup.Other:
                    _other++;
                    break;
            }
        }

        return Task.CompletedTask;
    }

    public Task CompleteAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>The list, or one line that none needs action; then the others counted.</summary>
    public async Task WriteAsync(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        await output.WriteLineAsync().ConfigureAwait(false);
        if (_needsAction == 0)
        {
            await output.WriteLineAsync("No Exchange server needs action.").ConfigureAwait(false);
        }
        else
        {
            await output.WriteLineAsync($"{Plural.Of(_needsAction, "Exchange server needs", "Exchange servers need")} action:").ConfigureAwait(false);
            var table = new TextTable("Host", "Name", "Verdict", "Missing keywords", "What to do");
            foreach (var host in _hosts.OrderBy(h => h.HostKey, HostKeyComparer.Instance))
            {
                var procedures = KnowledgeBase.BuiltIn.For(host.Verdict, host.Reason, Language.English).Procedures;
                table.Add(host.HostKey, host.Name, host.Verdict.ToString(), host.Missing, procedures.IsEmpty ? "-" : procedures[^1].Title);
            }

            await table.WriteAsync(output).ConfigureAwait(false);
            if (_needsAction > _hosts.Count)
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"... and {_needsAction - _hosts.Count} more: the report lists every one")).ConfigureAwait(false);
            }
        }

        var others = new List<string>();
        if (_couldNotCheck > 0)
        {
            others.Add($"{Plural.Of(_couldNotCheck, "host")} could not be checked");
        }

        if (_other > 0)
        {
            others.Add($"{Plural.Of(_other, "host is another server", "hosts are other servers")} than the inventory expects");
        }

        if (others.Count > 0)
        {
            await output.WriteLineAsync($"{string.Join(" and ", others)} (esfleet changes, history and the report say more).").ConfigureAwait(false);
        }
    }
}
