using System.Collections.Immutable;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Knowledge;
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

    /// <summary>A note of the probe itself (connect, TLS, errors), stored in English and readable in another language.</summary>
    /// <param name="label">The note's text.</param>
    /// <param name="arguments">Its values.</param>
    public void Note(Label label, params string[] arguments) => AddNote(new TranscriptNote(label, null, [.. arguments]));

    /// <summary>A note that names a reason (<c>{0}</c> of the text), then the values.</summary>
    /// <param name="label">The note's text.</param>
    /// <param name="reason">The reason.</param>
    /// <param name="arguments">Its values.</param>
    public void Note(Label label, Reason reason, params string[] arguments) => AddNote(new TranscriptNote(label, reason, [.. arguments]));

    public ImmutableArray<TranscriptLine> ToImmutable() => _lines.ToImmutable();

    private void AddNote(TranscriptNote note) =>
        Add(new TranscriptLine(TranscriptDirection.Note, KnowledgeBase.BuiltIn.NoteText(note, Language.English), Elapsed) { Note = note });

    private void Add(TranscriptDirection direction, string text) => Add(new TranscriptLine(direction, text, Elapsed));

    private void Add(TranscriptLine line)
    {
        onLine?.Invoke(line);
        if (_lines.Count < MaxLines)
        {
            _lines.Add(line);
        }
        else if (!_full)
        {
            _full = true;
            var truncated = new TranscriptNote(Label.NoteTruncated, null, []);
            _lines[^1] = new TranscriptLine(TranscriptDirection.Note, KnowledgeBase.BuiltIn.NoteText(truncated, Language.English), line.Elapsed) { Note = truncated };
        }
    }
}
