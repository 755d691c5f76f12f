using System.Buffers;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text.Json;
using ExchangeSmtpFleet.Core.Protocol;

namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>
/// A host's advertised keywords of one phase as a keyword set (schema version 5): the list as JSON
/// (<c>[["NAME","PARAMETERS"],...]</c>) and an id made from it, so that every host, batch and process that sees the
/// same list names the same set, and a set once written never changes. Names longer than a keyword's column are cut to it
/// with a mark before the set is made (<see cref="Core.Storage.StoredLimits.KeywordName"/>), so the id is the hash of what
/// every dialect stores.
/// </summary>
internal static class KeywordSets
{
    /// <summary>
    /// Writes the list as JSON into <paramref name="json"/> (cleared first) and returns its set id: <c>k:</c> and the
    /// first 16 bytes of the SHA-256 of that JSON in hex. An empty list has no set (null, nothing written).
    /// </summary>
    public static string? Write(ImmutableArray<EhloKeyword> keywords, ArrayBufferWriter<byte> json)
    {
        ArgumentNullException.ThrowIfNull(json);
        json.Clear();
        if (keywords.IsDefaultOrEmpty)
        {
            return null;
        }

        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartArray();
            foreach (var keyword in keywords)
            {
                writer.WriteStartArray();
                writer.WriteStringValue(Name(keyword));
                writer.WriteStringValue(Parameters(keyword));
                writer.WriteEndArray();
            }

            writer.WriteEndArray();
        }

        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(json.WrittenSpan, hash);
        return string.Create(34, hash[..16].ToArray(), static (id, bytes) =>
        {
            id[0] = 'k';
            id[1] = ':';
            Convert.TryToHexStringLower(bytes, id[2..], out _);
        });
    }

    /// <summary>A keyword's name as stored: cut to the column's width with a mark.</summary>
    public static string Name(EhloKeyword keyword) => Core.Storage.StoredLimits.Cut(keyword.Name, Core.Storage.StoredLimits.KeywordName)!;

    /// <summary>A keyword's parameters as stored: separated by one space, empty when it has none.</summary>
    public static string Parameters(EhloKeyword keyword) => keyword.Parameters.IsDefaultOrEmpty ? string.Empty : string.Join(' ', keyword.Parameters);
}
