using ExchangeSmtpFleet.Core.Probing;

namespace ExchangeSmtpFleet.Cli;

/// <summary>
/// A table for the terminal: a header row, columns padded to their widest cell, the last column not padded. Every cell is
/// escaped (<see cref="TranscriptText.Escape"/>): names, keywords and hosts come from inventories and servers, and no
/// escape sequence of theirs reaches the operator's terminal.
/// </summary>
internal sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public int Count => _rows.Count;

    public TextTable Add(params string?[] cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        _rows.Add([.. cells.Select(c => TranscriptText.Escape(c ?? "-"))]);
        return this;
    }

    public async Task WriteAsync(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var widths = headers.Select((h, i) => _rows.Select(r => i < r.Length ? r[i].Length : 0).Append(h.Length).Max()).ToArray();
        await output.WriteLineAsync(Line(headers, widths)).ConfigureAwait(false);
        foreach (var row in _rows)
        {
            await output.WriteLineAsync(Line(row, widths)).ConfigureAwait(false);
        }
    }

    private static string Line(string[] cells, int[] widths) =>
        string.Join("  ", cells.Select((c, i) => i == cells.Length - 1 ? c : c.PadRight(widths[i]))).TrimEnd();
}
