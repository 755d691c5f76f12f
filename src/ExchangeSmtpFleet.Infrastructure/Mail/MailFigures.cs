using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Storage;

namespace ExchangeSmtpFleet.Infrastructure.Mail;

/// <summary>
/// What the mail says about a run's results, gathered while they stream past: hosts per verdict, and the hosts to act on
/// first (missing sinks or metabase suspicion, longest in that verdict first, at most <see cref="ActFirstLimit"/>). A run of
/// 100,000 hosts is never held in memory for a mail.
/// </summary>
public sealed class MailFigures
{
    /// <summary>How many hosts the mail names to act on first.</summary>
    public const int ActFirstLimit = 20;

    private readonly int[] _counts = new int[Enum.GetValues<Verdict>().Length];
    private readonly List<(DateTimeOffset Since, long Order, StoredResult Result)> _actFirst = new(ActFirstLimit + 1);
    private long _seen;

    /// <summary>Results seen.</summary>
    public int Total => (int)_seen;

    /// <summary>Results seen that are not healthy.</summary>
    public int NotHealthy => Total - _counts[(int)Verdict.Healthy];

    /// <summary>
    /// The hosts to act on first: since when they have had their verdict (else when probed), oldest first; hosts with the
    /// same time in the order they were seen.
    /// </summary>
    public IReadOnlyList<StoredResult> ActFirst => [.. _actFirst.Select(a => a.Result)];

    /// <summary>Results seen with <paramref name="verdict"/>.</summary>
    public int Count(Verdict verdict) => _counts[(int)verdict];

    /// <summary>Counts one result and keeps it if it is among the hosts to act on first so far.</summary>
    public void Add(StoredResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        _counts[(int)result.Verdict]++;
        var order = _seen++;
        if (result.Verdict is not (Verdict.MissingSinks or Verdict.SuspectedMetabaseCorruption))
        {
            return;
        }

        var since = result.VerdictSince ?? result.ProbedAt;
        if (_actFirst.Count == ActFirstLimit && since >= _actFirst[^1].Since)
        {
            return;
        }

        // After every kept host with the same time or earlier: a later host never overtakes an earlier one of equal time.
        var at = _actFirst.FindLastIndex(a => a.Since <= since) + 1;
        _actFirst.Insert(at, (since, order, result));
        if (_actFirst.Count > ActFirstLimit)
        {
            _actFirst.RemoveAt(_actFirst.Count - 1);
        }
    }

    /// <summary>The figures of <paramref name="results"/>.</summary>
    public static MailFigures Of(IEnumerable<StoredResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var figures = new MailFigures();
        foreach (var result in results)
        {
            figures.Add(result);
        }

        return figures;
    }
}
