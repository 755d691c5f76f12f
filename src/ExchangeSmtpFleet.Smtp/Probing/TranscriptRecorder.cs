using System.Collections.Immutable;
using ExchangeSmtpFleet.Core.Probing;

namespace ExchangeSmtpFleet.Smtp.Probing;

/// <summary>
/// Records the lines of one session with their time since the start, for auditors, and shows each to a live
/// listener. Bounded: past <see cref="MaxLines"/> the last line says the transcript was cut.
/// </summary>
internal sealed class TranscriptRecorder(TimeProvider time, Action<TranscriptLine>? onLine)
{
    public const int MaxLines = 1500;

    // A healthy session has about 16 lines: sized so that it never grows.
    private readonly ImmutableArray<TranscriptLine>.Builder _lines = ImmutableArray.CreateBuilder<TranscriptLine>(24);
    private readonly long _startTimestamp = time.GetTimestamp();
    private bool _full;

    /// <summary>Time since the session started.</summary>
    public TimeSpan Elapsed => time.GetElapsedTime(_startTimestamp);

    /// <summary>A line the probe sent.</summary>
    public void Client(string text) => Add(TranscriptDirection.Client, text);

    /// <summary>A line the server sent; escaped here, so nothing raw from the network is ever recorded.</summary>
    public void Server(string text) => Add(TranscriptDirection.Server, TranscriptText.Escape(text));

    /// <summary>A note of the probe itself (connect, TLS, errors).</summary>
    public void Note(string text) => Add(TranscriptDirection.Note, text);

    public ImmutableArray<TranscriptLine> ToImmutable() => _lines.ToImmutable();

    private void Add(TranscriptDirection direction, string text)
    {
        var line = new TranscriptLine(direction, text, Elapsed);
        onLine?.Invoke(line);
        if (_lines.Count < MaxLines)
        {
            _lines.Add(line);
        }
        else if (!_full)
        {
            _full = true;
            _lines[^1] = new TranscriptLine(TranscriptDirection.Note, "transcript truncated", line.Elapsed);
        }
    }
}
