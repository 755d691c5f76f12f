namespace ExchangeSmtpFleet.Jobs;

/// <summary>
/// Slows down password guessing at the dashboard (issue 18, item 9). Every checked login attempt counts against each of
/// its keys (the address it came from and the user name it tried) before its password is hashed; once a key has
/// <see cref="FreeAttempts"/> attempts within <see cref="Window"/>, each further attempt waits for its turn, and turns
/// are spaced further and further apart (1, 2, 4 ... <see cref="MaxDelay"/> s). Turns are handed out in advance, so
/// attempts sent side by side queue behind each other instead of all being checked at once; an attempt whose turn is
/// more than <see cref="MaxDelay"/> away is refused without being checked. A success takes back only its own attempt:
/// nothing a known password does clears the failures of another name or of its address.
/// </summary>
internal sealed class LoginThrottle(TimeProvider time)
{
    /// <summary>Attempts on one key within this window count together.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    /// <summary>The longest wait for a turn; an attempt whose turn is further away is refused unchecked.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    /// <summary>Attempts a key may have before its attempts wait.</summary>
    public const int FreeAttempts = 5;

    /// <summary>Keys kept before the expired ones are dropped; beyond that, new keys share one.</summary>
    public const int MaxTrackedKeys = 10_000;

    /// <summary>The key that stands for every new key while <see cref="MaxTrackedKeys"/> are in use (a flood).</summary>
    private const string OverflowKey = "overflow";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Keys tracked now (tests).</summary>
    public int TrackedKeys
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>
    /// Counts an attempt against <paramref name="keys"/> and hands it its turn.
    /// </summary>
    /// <returns>How long the attempt must wait before its password is checked, or null when it is refused unchecked (and not counted).</returns>
    public TimeSpan? Admit(IReadOnlyList<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        lock (_gate)
        {
            var now = time.GetUtcNow();
            var entries = keys.Select(key => EntryFor(key, now)).Distinct().ToList();
            var start = now;
            foreach (var entry in entries.Where(e => e.Count >= FreeAttempts))
            {
                start = entry.Next > start ? entry.Next : start;
            }

            if (start - now > MaxDelay)
            {
                return null;
            }

            foreach (var entry in entries)
            {
                entry.Count++;
                if (entry.Count >= FreeAttempts)
                {
                    entry.Next = (entry.Next > start ? entry.Next : start) + Backoff(entry.Count);
                }
            }

            return start - now;
        }
    }

    /// <summary>The attempt admitted on <paramref name="keys"/> succeeded: it no longer counts (earlier attempts still do).</summary>
    public void Succeeded(IReadOnlyList<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        lock (_gate)
        {
            foreach (var key in keys.Distinct(StringComparer.Ordinal))
            {
                if (_entries.TryGetValue(key, out var entry) && entry.Count > 0)
                {
                    entry.Count--;
                }
            }
        }
    }

    /// <summary>The wait between turns of a key with <paramref name="count"/> attempts: 1, 2, 4 ... 30 s.</summary>
    private static TimeSpan Backoff(int count) =>
        TimeSpan.FromSeconds(Math.Min(Math.Pow(2, count - FreeAttempts), MaxDelay.TotalSeconds));

    private Entry EntryFor(string key, DateTimeOffset now)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            if (now - entry.First > Window && entry.Next <= now)
            {
                entry.Count = 0;
                entry.First = now;
                entry.Next = now;
            }

            return entry;
        }

        if (_entries.Count >= MaxTrackedKeys)
        {
            // Many keys at once (a scan of the network, a spray of names): forget those whose window has passed, so memory
            // stays bounded; if that frees nothing, the new key shares one entry with every other newcomer.
            foreach (var (old, _) in _entries.Where(e => now - e.Value.First > Window && e.Value.Next <= now).ToList())
            {
                _entries.Remove(old);
            }

            if (_entries.Count >= MaxTrackedKeys)
            {
                key = OverflowKey;
                if (_entries.TryGetValue(key, out entry))
                {
                    return entry;
                }
            }
        }

        entry = new Entry { First = now, Next = now };
        _entries[key] = entry;
        return entry;
    }

    private sealed class Entry
    {
        public int Count { get; set; }

        public DateTimeOffset First { get; set; }

        /// <summary>When the next throttled attempt may be checked.</summary>
        public DateTimeOffset Next { get; set; }
    }
}
