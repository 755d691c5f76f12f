using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Storage;

namespace ExchangeSmtpFleet.Infrastructure.Mail;

/// <summary>
/// What the mail says about a run's results, gathered while they stream past: hosts per verdict, how many of the hosts
/// that need action are new to their verdict, and the hosts to act on first (missing sinks or metabase suspicion; new ones
/// first, then the longest in that verdict; at most <see cref="ActFirstLimit"/>). A run of 100,000 hosts is never held in
/// memory for a mail.
/// </summary>
public sealed class MailFigures
{
    /// <summary>How many hosts the mail names to act on first.</summary>
    public const int ActFirstLimit = 20;

    private readonly int[] _counts = new int[Enum.GetValues<Verdict>().Length];
    private readonly List<(int New, DateTimeOffset Since, StoredResult Result)> _actFirst = new(ActFirstLimit + 1);
    private long _seen;

    /// <summary>Results seen.</summary>
    public int Total => (int)_seen;

    /// <summary>Results seen that are not healthy.</summary>
    public int NotHealthy => Total - _counts[(int)Verdict.Healthy];

    /// <summary>Results seen whose verdict means an Exchange server needs action (<see cref="VerdictGroups.NeedsAction"/>).</summary>
    public int NeedAction => _counts[(int)Verdict.MissingSinks] + _counts[(int)Verdict.SuspectedMetabaseCorruption];

    /// <summary>Of <see cref="NeedAction"/>, the hosts whose verdict in the run before was another or none.</summary>
    public int NewToAction { get; private set; }

    /// <summary>Results seen of hosts that could not be checked (<see cref="VerdictGroups.CouldNotCheck"/>).</summary>
    public int CouldNotCheck => _counts[(int)Verdict.Unreachable] + _counts[(int)Verdict.Rejected] + _counts[(int)Verdict.ProtocolError];

    /// <summary>
    /// The hosts to act on first: those new to their verdict first, then since when they have had it (else when probed),
    /// oldest first; hosts alike in both in the order they were seen.
    /// </summary>
    public IReadOnlyList<StoredResult> ActFirst => [.. _actFirst.Select(a => a.Result)];

    /// <summary>Whether a result is new to its verdict since the run before (its verdict then was another, or it was not there).</summary>
    public static bool IsNew(StoredResult result) => result?.PreviousVerdict != result?.Verdict;

    /// <summary>Results seen with <paramref name="verdict"/>.</summary>
    public int Count(Verdict verdict) => _counts[(int)verdict];

    /// <summary>Counts one result and keeps it if it is among the hosts to act on first so far.</summary>
    public void Add(StoredResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        _counts[(int)result.Verdict]++;
        _seen++;
        if (!VerdictGroups.NeedsAction(result.Verdict))
        {
            return;
        }

        var isNew = IsNew(result) ? 0 : 1;
        if (isNew == 0)
        {
            NewToAction++;
        }

        var since = result.VerdictSince ?? result.ProbedAt;
        if (_actFirst.Count == ActFirstLimit && Compare(isNew, since, _actFirst[^1]) >= 0)
        {
            return;
        }

        // After every kept host that comes first or ties: a later host never overtakes an earlier one alike.
        var at = _actFirst.FindLastIndex(a => Compare(isNew, since, a) >= 0) + 1;
        _actFirst.Insert(at, (isNew, since, result));
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

    private static int Compare(int isNew, DateTimeOffset since, (int New, DateTimeOffset Since, StoredResult Result) kept) =>
        isNew != kept.New ? isNew.CompareTo(kept.New) : since.CompareTo(kept.Since);
}
