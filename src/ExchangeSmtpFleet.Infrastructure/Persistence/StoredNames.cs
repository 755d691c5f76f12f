using System.Collections.Frozen;
using ExchangeSmtpFleet.Core.Storage;

namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>
/// The names of the stored vocabularies (verdict, reason, run status) read back as this build's values (issue 18, item 7).
/// A build that adds a name adds a schema script with it (StoredVocabularyTests pins the names to the latest script), so
/// an older build refuses that database at its schema check before it reads one; a name that still reaches this (a
/// database edited by hand, another tool) is one line that says what, never an internal error with a stack trace.
/// </summary>
internal static class StoredNames
{
    /// <summary>The value named <paramref name="name"/> as stored in a <paramref name="column"/> column.</summary>
    /// <exception cref="StoreException">This build has no value of that name.</exception>
    public static TEnum Parse<TEnum>(string name, string column)
        where TEnum : struct, Enum =>
        Names<TEnum>.ByName.TryGetValue(name, out var value)
            ? value
            : throw new StoreException(
                $"the database holds the {column} '{(name.Length <= 64 ? name : $"{name[..64]}...")}', which this esfleet (version {typeof(StoredNames).Assembly.GetName().Version}) does not know: a newer esfleet or another tool wrote it; read it with that esfleet");

    /// <summary>Exactly the names this build writes: no numbers (which <see cref="Enum.Parse{TEnum}(string)"/> takes for any enum), no other case.</summary>
    private static class Names<TEnum>
        where TEnum : struct, Enum
    {
        public static readonly FrozenDictionary<string, TEnum> ByName = Enum.GetValues<TEnum>().ToFrozenDictionary(v => v.ToString(), StringComparer.Ordinal);
    }
}
