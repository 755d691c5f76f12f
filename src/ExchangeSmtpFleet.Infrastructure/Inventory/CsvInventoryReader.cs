using System.Security.Cryptography;
using System.Text;
using CsvHelper;
using ExchangeSmtpFleet.Core.Inventory;
using ExchangeSmtpFleet.Core.Profiles;
using ExchangeSmtpFleet.Infrastructure.Files;

namespace ExchangeSmtpFleet.Infrastructure.Inventory;

/// <summary>
/// Reads an inventory CSV (SPEC 4) with CsvHelper 34: <c>,</c> or <c>;</c> separated (or an Excel
/// <c>sep=</c> line), UTF-8 with or without BOM, UTF-16 with BOM, Windows-1252 when the bytes are not UTF-8.
/// The rules for rows live in <see cref="InventoryValidator"/>; this class only turns bytes into records.
/// </summary>
public sealed class CsvInventoryReader(ProfileCatalog profiles) : IInventoryReader
{
    /// <summary>Inventories are small; anything larger is refused rather than read into memory.</summary>
    public const long MaxFileBytes = 256L * 1024 * 1024;

    private const int MaxRawTextLength = 200;

    /// <summary>A row longer than this is a problem of its own; the parser's record limit would end the whole file.</summary>
    private const int MaxLineLength = 1024 * 1024;

    private static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads and validates an inventory file; at most <see cref="MaxFileBytes"/> bytes are read, whatever the file claims.</summary>
    public InventoryReadResult ReadFile(string path)
    {
        // Synchronous callers (inventory check, the audit service) read a local file: no context to block.
        var (bytes, problem) = BoundedFile.ReadAsync(path, MaxFileBytes, "an inventory", CancellationToken.None, BinaryStart).GetAwaiter().GetResult();
        if (bytes is null)
        {
            return InventoryReadResult.Unusable(problem!);
        }

        var result = Read(bytes);
        return result.IsUsable ? result with { ContentHash = Convert.ToHexStringLower(SHA256.HashData(bytes)) } : result;
    }

    /// <summary>
    /// Why a file is no CSV, from its first block: a NUL byte outside UTF-16 (a disk image, <c>/proc/kcore</c>, a sparse
    /// file) is refused there, before the rest is read and decoded (issue 18, item 16).
    /// </summary>
    internal static string? BinaryStart(ReadOnlySpan<byte> start)
    {
        if (start.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || start.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return null;
        }

        var nul = start.IndexOf((byte)0);
        return nul < 0 ? null : $"the file is binary (NUL byte at offset {nul}), not a CSV inventory";
    }

    /// <summary>Reads and validates inventory bytes.</summary>
    public InventoryReadResult Read(ReadOnlySpan<byte> bytes)
    {
        var (text, encoding) = Decode(bytes);
        if (string.IsNullOrWhiteSpace(text))
        {
            return InventoryReadResult.Unusable("the file is empty: an inventory needs a header row with a Host column");
        }

        var nul = text.IndexOf('\0', StringComparison.Ordinal);
        if (nul >= 0)
        {
            return InventoryReadResult.Unusable($"the file is binary (NUL character at position {nul}), not a CSV inventory");
        }

        var headerLine = FirstLineNumber(text);
        var oversized = BlankOversizedLines(ref text);
        if (oversized.Contains(headerLine))
        {
            return InventoryReadResult.Unusable($"the header row is longer than {MaxLineLength} characters");
        }

        var separator = DetectSeparator(ref text);
        var malformed = new Dictionary<long, string>();
        var options = CsvReaderOptions.Default with
        {
            Separator = separator,
            TrackLineNumbers = true,
            TrimWhitespace = true,
            // One bad quote must not swallow the rest of the file: every line break ends a record.
            AllowLineBreaksInQuotes = false,
            MaxRecordSize = MaxLineLength + 1024,
            OnMalformedRecord = m => malformed[m.LineNumber] = $"malformed quoting ({m.Reason})",
        };

        try
        {
            using var reader = CsvReader.FromText(text, options);
            var headers = reader.Headers.ToList();
            var records = new List<InventoryRecord>();
            while (reader.Read())
            {
                var line = checked((int)reader.LineNumber);
                var fields = new string[reader.FieldCount];
                for (var i = 0; i < fields.Length; i++)
                {
                    fields[i] = reader.GetString(i) ?? string.Empty;
                }

                malformed.Remove(line, out var problem);
                records.Add(new InventoryRecord(line, fields, RawText(reader.RawRecord), problem));
            }

            var result = new InventoryValidator(profiles).Validate(headers, records);
            return result with
            {
                Separator = separator,
                Encoding = encoding,
                RowCount = result.RowCount + oversized.Count,
                Problems = [.. result.Problems.Concat(oversized.Select(line => new InventoryProblem(
                    line, $"row longer than {MaxLineLength} characters (row skipped)"))).OrderBy(p => p.LineNumber)],
            };
        }
        catch (CsvFormatException e)
        {
            return InventoryReadResult.Unusable($"the file cannot be read as CSV: {e.Message}");
        }
    }

    /// <summary>
    /// Empties every line longer than <see cref="MaxLineLength"/> (line numbers stay those of the file), so that one
    /// oversized row costs only itself: fields cannot span lines, so a line is a row.
    /// </summary>
    /// <returns>The 1-based numbers of the emptied lines.</returns>
    private static List<int> BlankOversizedLines(ref string text)
    {
        var oversized = new List<int>();
        StringBuilder? kept = null;
        var start = 0;
        for (var line = 1; start <= text.Length; line++)
        {
            var end = text.IndexOf('\n', start);
            var length = (end < 0 ? text.Length : end) - start;
            if (length > MaxLineLength)
            {
                kept ??= new StringBuilder(text, 0, start, text.Length);
                oversized.Add(line);
            }
            else
            {
                kept?.Append(text, start, length);
            }

            if (end < 0)
            {
                break;
            }

            kept?.Append('\n');
            start = end + 1;
        }

        if (kept is not null)
        {
            text = kept.ToString();
        }

        return oversized;
    }

    /// <summary>The line the header row is on: the first that is not blank.</summary>
    private static int FirstLineNumber(string text)
    {
        var line = 1;
        foreach (var c in text)
        {
            if (c == '\n')
            {
                line++;
            }
            else if (c is not ('\r' or ' ' or '\t'))
            {
                return line;
            }
        }

        return line;
    }

    private static (string Text, string Encoding) Decode(ReadOnlySpan<byte> bytes)
    {
        // Not "\xEF\xBB\xBF"u8: in a UTF-8 literal \xEF is the character U+00EF, two bytes, never a BOM.
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return TryStrictUtf8(bytes[3..], out var withBom) ? (withBom, "utf-8") : (Windows1252().GetString(bytes[3..]), "windows-1252");
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return (Encoding.Unicode.GetString(bytes[2..]), "utf-16");
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return (Encoding.BigEndianUnicode.GetString(bytes[2..]), "utf-16be");
        }

        return TryStrictUtf8(bytes, out var text) ? (text, "utf-8") : (Windows1252().GetString(bytes), "windows-1252");
    }

    private static bool TryStrictUtf8(ReadOnlySpan<byte> bytes, out string text)
    {
        try
        {
            text = StrictUtf8.GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = string.Empty;
            return false;
        }
    }

    private static Encoding Windows1252()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(1252);
    }

    /// <summary>
    /// Picks <c>;</c> or <c>,</c> from the header line (Excel in German locales writes <c>;</c>), honouring an
    /// Excel <c>sep=</c> first line, which is blanked so that line numbers stay those of the file.
    /// </summary>
    private static char DetectSeparator(ref string text)
    {
        var start = 0;
        while (start < text.Length && (text[start] is '\r' or '\n' or ' ' or '\t'))
        {
            start++;
        }

        var end = text.IndexOf('\n', start);
        var firstLine = (end < 0 ? text[start..] : text[start..end]).TrimEnd('\r');
        if (firstLine.StartsWith("sep=", StringComparison.OrdinalIgnoreCase) && firstLine.Length == 5)
        {
            text = string.Concat(text.AsSpan(0, start), text.AsSpan(start + firstLine.Length));
            return firstLine[4];
        }

        int commas = 0, semicolons = 0, tabs = 0;
        var quoted = false;
        foreach (var c in firstLine)
        {
            switch (c)
            {
                case '"':
                    quoted = !quoted;
                    break;
                case ',' when !quoted:
                    commas++;
                    break;
                case ';' when !quoted:
                    semicolons++;
                    break;
                case '\t' when !quoted:
                    tabs++;
                    break;
            }
        }

        if (semicolons > commas)
        {
            return ';';
        }

        return commas == 0 && tabs > 0 ? '\t' : ',';
    }

    private static string RawText(ReadOnlySpan<byte> raw)
    {
        var text = Encoding.UTF8.GetString(raw);
        return text.Length <= MaxRawTextLength ? text : string.Concat(text.AsSpan(0, MaxRawTextLength), "…");
    }
}
